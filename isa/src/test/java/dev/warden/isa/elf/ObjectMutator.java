package dev.warden.isa.elf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

/**
 * Damages a real object where it matters: the ELF header, a section header, or the contents of a
 * section the reader interprets (code, relocations, symbols, BTF, maps), with bytes, 32-bit values
 * at the edges (0, -1, sizes past the end), or a truncation. Choices come from an {@link IntSource}
 * so that Jazzer and seeded random tests share it.
 */
final class ObjectMutator {
    /** Picks an int in {@code [lo, hi]}. */
    interface IntSource {
        int next(int lo, int hi);
    }

    private static final int[] EDGE_VALUES = {0, 1, -1, 8, 16, 0x7fff_ffff, 0x8000_0000, 0xffff, 0x1000_0000, 247, 0xeb9f};

    private ObjectMutator() {}

    /** Byte ranges {@code {offset, length}} worth damaging in {@code original}. */
    static List<long[]> regions(byte[] original) {
        List<long[]> out = new ArrayList<>();
        out.add(new long[] {0, 64});
        try {
            BpfObject obj = ElfReader.read(original);
            long shoff = le64(original, 40);
            for (ElfSection s : obj.sections()) {
                out.add(new long[] {shoff + 64L * s.index(), 64});
                boolean debug = s.name().startsWith(".debug") || s.name().startsWith(".rel.debug");
                if (!debug && s.hasFileData() && s.size() > 0) {
                    out.add(new long[] {s.offset(), s.size()});
                }
            }
        } catch (ElfFormatException e) {
            throw new AssertionError("mutation base must be a valid object", e);
        }
        return out;
    }

    static byte[] mutate(byte[] original, List<long[]> regions, IntSource src) {
        byte[] b = original.clone();
        int count = src.next(1, 8);
        for (int i = 0; i < count; i++) {
            long[] r = regions.get(src.next(0, regions.size() - 1));
            int at = (int) (r[0] + src.next(0, (int) r[1] - 1));
            switch (src.next(0, 3)) {
                case 0 -> b[at] = (byte) src.next(0, 255);
                case 1 -> b[at] ^= (byte) (1 << src.next(0, 7));
                case 2 -> {
                    int v = EDGE_VALUES[src.next(0, EDGE_VALUES.length - 1)];
                    int aligned = at & ~3;
                    for (int k = 0; k < 4 && aligned + k < b.length; k++) {
                        b[aligned + k] = (byte) (v >>> (8 * k));
                    }
                }
                default -> {
                    return java.util.Arrays.copyOf(b, at);
                }
            }
        }
        return b;
    }

    /** Reads {@code bytes}: either an object or a located {@link ElfFormatException}; anything else escapes and fails. */
    static void readsOrRejectsWithLocatedErrors(byte[] bytes) {
        try {
            ElfReader.read(bytes);
        } catch (ElfFormatException e) {
            assertFalse(e.errors().isEmpty());
            for (ElfError err : e.errors()) {
                assertTrue(err.offset() <= bytes.length, "error offset " + err.offset() + " inside the file: " + err);
                assertFalse(err.message().isBlank());
            }
        }
    }

    static long le64(byte[] b, int at) {
        long v = 0;
        for (int k = 7; k >= 0; k--) {
            v = v << 8 | (b[at + k] & 0xff);
        }
        return v;
    }
}
