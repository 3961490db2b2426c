package dev.warden.isa.elf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * BTF-defined maps with their type records rewritten word by word: a type id, a size, an array
 * length, a name offset, a kind, set to values at the edges (0, 2^31, 2^32-1, ids just past the
 * table, lengths whose products overflow) or to anything. {@link ElfReaderFuzzTest} damages bytes
 * anywhere; this one aims at the words a map definition is read from, so that cycles, dangling
 * ids and huge nested arrays are reached, not just truncations. The reader either refuses with a
 * located error or gives maps whose sizes are the 32-bit values a declaration can hold (none
 * wrapped, none negative). {@code mvn verify} replays the saved inputs; fuzz with
 * {@code JAZZER_FUZZ=1 ./mvnw -Pfuzz -pl isa test -Dtest=BtfMapDefinitionsFuzzTest}.
 */
class BtfMapDefinitionsFuzzTest {
    private static final byte[] ORIGINAL = TestObjects.object("btf_maps");
    /** {@code {file offset, length}} of each type record of the object's BTF, by id (id 0, void, has none). */
    private static final List<long[]> RECORDS = records();
    private static final long[] EDGES = {0, 1, 2, 3, 4, 8, 12, 1 << 10, 1 << 12, 1 << 20, 1L << 31, 0x7fff_ffffL, 0xffff_ffffL,
        0xffff_fff0L, RECORDS.size() - 1, RECORDS.size(), RECORDS.size() + 1};

    private static List<long[]> records() {
        Btf btf = TestObjects.read("btf_maps").btf().orElseThrow();
        ElfSection s = TestObjects.read("btf_maps").sections().stream().filter(x -> x.name().equals(".BTF")).findFirst().orElseThrow();
        long typeEnd = s.offset() + (ObjectMutator.le64(ORIGINAL, (int) s.offset() + 4) & 0xffff_ffffL) // hdr_len
                + (ObjectMutator.le64(ORIGINAL, (int) s.offset() + 8) & 0xffff_ffffL) // type_off
                + (ObjectMutator.le64(ORIGINAL, (int) s.offset() + 12) & 0xffff_ffffL); // type_len
        List<long[]> out = new ArrayList<>();
        out.add(new long[] {0, 0});
        try {
            for (int id = 1; id < btf.count(); id++) {
                long start = btf.type(id, "fuzz").fileOffset();
                long end = id + 1 < btf.count() ? btf.type(id + 1, "fuzz").fileOffset() : typeEnd;
                out.add(new long[] {start, end - start});
            }
        } catch (ElfFormatException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    @FuzzTest(maxDuration = "60s")
    void mapDefinitionsReadOrAreRefusedWithLocatedErrors(FuzzedDataProvider data) {
        byte[] b = ORIGINAL.clone();
        int edits = data.consumeInt(1, 6);
        for (int i = 0; i < edits; i++) {
            long[] record = RECORDS.get(data.consumeInt(1, RECORDS.size() - 1));
            int word = data.consumeInt(0, (int) (record[1] / 4) - 1);
            long value = data.consumeBoolean() ? EDGES[data.consumeInt(0, EDGES.length - 1)] : data.consumeInt() & 0xffff_ffffL;
            int at = (int) (record[0] + 4L * word);
            for (int k = 0; k < 4; k++) {
                b[at + k] = (byte) (value >>> (8 * k));
            }
        }
        BpfObject o;
        try {
            o = ElfReader.read(b);
        } catch (ElfFormatException e) {
            assertFalse(e.errors().isEmpty());
            for (ElfError err : e.errors()) {
                assertTrue(err.offset() >= 0 && err.offset() <= b.length, "located inside the file: " + err);
                assertFalse(err.message().isBlank());
            }
            return;
        }
        for (BpfMap m : o.maps()) {
            for (long v : new long[] {m.keySize(), m.valueSize(), m.maxEntries(), m.flags()}) {
                assertTrue(v >= 0 && v <= 0xffff_ffffL, "a 32-bit size, not wrapped: " + m);
            }
        }
    }
}
