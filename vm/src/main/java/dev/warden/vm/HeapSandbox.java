package dev.warden.vm;

import java.util.BitSet;
import java.util.Objects;

/**
 * The software fault isolation of an extension's heap (KFlex): which memory accesses of a program
 * address the heap, and the heap they are confined to. The heap is a power of two in size and
 * aligned to its size, so one mask and one add confine any address to it:
 * {@code base + (address & (size - 1))}. For an address already inside the heap that is the address
 * itself (the alignment makes {@code address - base == address & (size - 1)}), so a correct program
 * sees no difference; a wild one reads and writes its own heap instead of the host's memory.
 *
 * <p>Both engines apply {@link #confine} at every pc of {@link #pcs()} before the access, so they
 * agree on every outcome; the JIT then accesses the confined address without a region check (the
 * guard is the check), the interpreter still checks it against its regions (it always passes: the
 * heap's region is {@link #SLACK} bytes longer than the heap, so an access of up to 8 bytes that
 * starts at the heap's last byte stays inside). Where the verifier proved an access inside an
 * object the allocator handed out, the JIT drops the guard too ({@code CheckElision}); the
 * interpreter keeps it, which changes nothing for such an address.
 *
 * @param base the heap's first byte (a multiple of {@code size})
 * @param size the heap's size in bytes, a power of two
 * @param pcs the pcs of the loads and stores that address the heap
 */
public record HeapSandbox(long base, long size, BitSet pcs) {
    /** Bytes past the heap's end inside its region: an 8-byte access at the last heap byte stays inside. */
    public static final long SLACK = 8;

    /** No heap: no access is confined. */
    public static final HeapSandbox NONE = new HeapSandbox(0, 1, new BitSet());

    public HeapSandbox {
        if (size <= 0 || Long.bitCount(size) != 1) {
            throw new IllegalArgumentException("a heap's size must be a power of two, not " + size);
        }
        if ((base & (size - 1)) != 0) {
            throw new IllegalArgumentException("a heap must be aligned to its size: 0x" + Long.toHexString(base)
                    + " is not a multiple of " + size);
        }
        pcs = (BitSet) Objects.requireNonNull(pcs).clone();
    }

    /** The mask of the guard: {@code size - 1}. */
    public long mask() {
        return size - 1;
    }

    /** The guard: {@code address} confined to the heap. */
    public long confine(long address) {
        return base + (address & (size - 1));
    }

    /** Whether the access at {@code pc} is confined to the heap. */
    public boolean confines(int pc) {
        return pcs.get(pc);
    }

    @Override
    public BitSet pcs() {
        return (BitSet) pcs.clone();
    }
}
