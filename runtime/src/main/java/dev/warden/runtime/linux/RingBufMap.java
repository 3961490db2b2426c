package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import dev.warden.vm.Access;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code BPF_MAP_TYPE_RINGBUF}: a multi-producer ring of {@code max_entries} bytes (a power of 2
 * and a multiple of the 4096-byte page, as Linux requires) that programs write records into and
 * the host reads ({@link #poll}).
 *
 * <p>Accounting is Linux's ({@code kernel/bpf/ringbuf.c}): a record takes an 8-byte header plus
 * its length, rounded up to 8; producer and consumer positions only grow; a reservation fails when
 * the ring would hold more than {@code max_entries} bytes between the consumer and the new
 * producer position. Records are consumed in reservation order, and the consumer stops at the
 * first record still reserved (neither submitted nor discarded), as Linux's does.
 *
 * <p>Storage: the ring is one region of {@code 2 * max_entries} bytes, and a record at position
 * {@code pos} lies at {@code pos mod max_entries} (its sample 8 bytes further), so a record that
 * wraps stays contiguous. Linux gets the same by mapping the data pages twice; here the second
 * half is not a mirror, which nothing observes: the host reads records through this class, and
 * two records alive at once never share bytes (their positions differ by less than the ring size).
 * The header is kept here, not in the ring memory, so a program cannot corrupt the consumer.
 *
 * <p>Concurrency: reserve, submit, discard and poll hold the ring's lock (Linux's reserve holds a
 * spin lock; its submit is lock-free); a record's bytes are written by its program without it.
 */
final class RingBufMap extends KeylessMap {
    static final int HEADER = 8;
    /** {@code BPF_RB_NO_WAKEUP}, {@code BPF_RB_FORCE_WAKEUP}: the flags output, submit and discard accept. */
    static final long WAKEUP_FLAGS = 1 | 2;
    /** {@code bpf_ringbuf_query} flags. */
    static final long BPF_RB_AVAIL_DATA = 0;
    static final long BPF_RB_RING_SIZE = 1;
    static final long BPF_RB_CONS_POS = 2;
    static final long BPF_RB_PROD_POS = 3;
    private static final long PAGE = 4096;

    private enum State { RESERVED, SUBMITTED, DISCARDED }

    /** What releasing a reservation does with its record. */
    enum Release {
        /** {@code bpf_ringbuf_submit}: the host will read it. */
        SUBMIT,
        /** {@code bpf_ringbuf_discard}: skipped by the host, its space freed. */
        DISCARD
    }

    private static final class Rec {
        final long pos;
        final int length;
        State state = State.RESERVED;

        Rec(long pos, int length) {
            this.pos = pos;
            this.length = length;
        }
    }

    private final long size;
    private final MemorySegment ring;
    private final ArrayDeque<Rec> records = new ArrayDeque<>();
    /** Sample address → its record, while reserved. */
    private final Map<Long, Rec> reserved = new HashMap<>();
    private long producer;
    private long consumer;

    RingBufMap(BpfMap m, ValueSlots slots) {
        super(m);
        long n = m.maxEntries();
        if (n < PAGE || Long.bitCount(n) != 1 || n > (1L << 30)) {
            throw new IllegalArgumentException("map " + m.name() + ": a ring buffer's size (max_entries) must be a power of 2,"
                    + " at least 4096 and at most 2^30 bytes, not " + n);
        }
        if (m.keySize() != 0 || m.valueSize() != 0) {
            throw new IllegalArgumentException("map " + m.name() + ": a ring buffer has key and value size 0");
        }
        this.size = n;
        this.ring = slots.allocate(2 * n, Access.READ_WRITE, m.name() + " ring");
    }

    private static long recordLength(long sample) {
        return (sample + HEADER + 7) & ~7L;
    }

    /** {@code bpf_ringbuf_reserve}: the sample's address, or empty (flags not 0, no room). */
    synchronized OptionalLong reserve(long length, long flags) {
        if (flags != 0 || length < 0 || recordLength(length) > size) {
            return OptionalLong.empty();
        }
        long next = producer + recordLength(length);
        if (next - consumer > size) {
            return OptionalLong.empty();
        }
        Rec r = new Rec(producer, (int) length);
        producer = next;
        records.addLast(r);
        long address = ring.address() + (r.pos & (size - 1)) + HEADER;
        reserved.put(address, r);
        return OptionalLong.of(address);
    }

    /** Whether {@code address} is a sample reserved and not yet submitted or discarded. */
    synchronized boolean isReserved(long address) {
        return reserved.containsKey(address);
    }

    /** {@code bpf_ringbuf_submit}/{@code discard}: false if {@code address} is no outstanding reservation. */
    synchronized boolean commit(long address, Release release) {
        Rec r = reserved.remove(address);
        if (r == null) {
            return false;
        }
        r.state = release == Release.DISCARD ? State.DISCARDED : State.SUBMITTED;
        return true;
    }

    /** {@code bpf_ringbuf_output}: 0, {@code -EINVAL} (flags), {@code -EAGAIN} (no room). */
    long output(byte[] data, long flags) {
        if ((flags & ~WAKEUP_FLAGS) != 0) {
            return -Errno.EINVAL;
        }
        synchronized (this) {
            OptionalLong a = reserve(data.length, 0);
            if (a.isEmpty()) {
                return -Errno.EAGAIN;
            }
            MemorySegment.copy(data, 0, MemorySegment.ofAddress(a.getAsLong()).reinterpret(data.length),
                    ValueLayout.JAVA_BYTE, 0, data.length);
            commit(a.getAsLong(), Release.SUBMIT);
        }
        return 0;
    }

    /** {@code bpf_ringbuf_query}. */
    synchronized long query(long flags) {
        return switch ((int) flags) {
            case (int) BPF_RB_AVAIL_DATA -> producer - consumer;
            case (int) BPF_RB_RING_SIZE -> size;
            case (int) BPF_RB_CONS_POS -> consumer;
            case (int) BPF_RB_PROD_POS -> producer;
            default -> 0;
        };
    }

    /**
     * The host's consumer: the submitted records, in order, up to the first one still reserved;
     * discarded records are skipped. Their space becomes free.
     */
    synchronized List<byte[]> poll() {
        List<byte[]> out = new ArrayList<>();
        while (!records.isEmpty() && records.peekFirst().state != State.RESERVED) {
            Rec r = records.pollFirst();
            if (r.state == State.SUBMITTED) {
                long offset = (r.pos & (size - 1)) + HEADER;
                out.add(ring.asSlice(offset, r.length).toArray(ValueLayout.JAVA_BYTE));
            }
            consumer = r.pos + recordLength(r.length);
        }
        return out;
    }

    @Override
    synchronized void reset() {
        records.clear();
        reserved.clear();
        producer = 0;
        consumer = 0;
    }

    /** The records not yet consumed that are submitted, in order (a listing; poll consumes them). */
    @Override
    synchronized List<MapEntry> entries() {
        List<MapEntry> out = new ArrayList<>();
        for (Rec r : records) {
            if (r.state == State.SUBMITTED) {
                out.add(new MapEntry(new byte[0], ring.asSlice((r.pos & (size - 1)) + HEADER, r.length).toArray(ValueLayout.JAVA_BYTE)));
            }
        }
        return out;
    }

    @Override
    boolean hasValues() {
        return false;
    }
}
