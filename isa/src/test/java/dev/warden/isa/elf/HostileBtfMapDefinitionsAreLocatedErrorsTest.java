package dev.warden.isa.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * BTF map definitions ({@code .maps} described by BTF) damaged the way a hostile object would:
 * huge and "negative" (top-bit) type sizes, arrays of arrays whose size overflows, a type that
 * contains itself, a name past the string table, a truncated type table. Each is either read with
 * the sizes it declares (the runtime then refuses them by name, {@code MapLimits}) or refused with
 * an error located in {@code .BTF}; no exception escapes, no size wraps around.
 *
 * <p>Before, {@code __type(key, int[N][M])} with {@code N} and {@code M} near 2^32 multiplied past
 * 2^64: the map was read with a key size that had wrapped (here 0, after a negative product was
 * clamped). Now a size past {@code U32_MAX} is refused, as Linux refuses it ("Array size
 * overflows U32_MAX").
 */
class HostileBtfMapDefinitionsAreLocatedErrorsTest {
    private final byte[] original = TestObjects.object("btf_maps");
    private final Btf btf = TestObjects.read("btf_maps").btf().orElseThrow();

    /** The raw record of the member {@code field} of map {@code map}'s definition struct. */
    private Btf.Member field(String map, String field) throws ElfFormatException {
        Btf.Type datasec = btf.datasec(".maps").orElseThrow();
        for (Btf.Member v : datasec.members()) {
            Btf.Type var = btf.type(v.type(), "test");
            if (var.name().equals(map)) {
                Btf.Type def = btf.skipModifiers(var.sizeOrType(), "test");
                return def.members().stream().filter(m -> m.name().equals(field)).findFirst().orElseThrow();
            }
        }
        throw new AssertionError("no map " + map);
    }

    /** The type a {@code __type}/{@code __uint} field's pointer points to. */
    private Btf.Type pointee(String map, String field) throws ElfFormatException {
        Btf.Type ptr = btf.skipModifiers(field(map, field).type(), "test");
        return btf.skipModifiers(ptr.sizeOrType(), "test");
    }

    private Btf.Type pointer(String map, String field) throws ElfFormatException {
        return btf.skipModifiers(field(map, field).type(), "test");
    }

    private static void put32(byte[] b, long at, long v) {
        for (int k = 0; k < 4; k++) {
            b[(int) at + k] = (byte) (v >>> (8 * k));
        }
    }

    private static BpfMap map(byte[] b, String name) throws ElfFormatException {
        return ElfReader.read(b).maps().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private static ElfError rejected(byte[] b, String expected) {
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfReader.read(b));
        ElfError first = e.errors().getFirst();
        assertTrue(first.message().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        assertEquals(".BTF", first.section(), first.toString());
        assertTrue(first.offset() > 0 && first.offset() < b.length, first.toString());
        return first;
    }

    @Test
    void hugeAndTopBitStructSizesAreReadAsDeclared() throws Exception {
        Btf.Type flow = pointee("flows", "key");
        for (long size : new long[] {0xffff_ffffL, 0x8000_0000L}) {
            byte[] b = original.clone();
            put32(b, flow.fileOffset() + 8, size);
            assertEquals(size, map(b, "flows").keySize(), "the declared size, unsigned: MapLimits refuses it by name");
        }
    }

    @Test
    void anArrayOfArraysWhoseSizeOverflowsIsRefused() throws Exception {
        // key: a pointer to an array of 2^32-1 arrays of 2^32-1 ints (16 EiB, past 2^64).
        Btf.Type outer = pointee("flows", "max_entries");
        Btf.Type inner = pointee("flows", "type");
        byte[] b = original.clone();
        put32(b, pointer("flows", "key").fileOffset() + 8, outer.id());
        put32(b, outer.fileOffset() + 12, inner.id()); // element type
        put32(b, outer.fileOffset() + 20, 0xffff_ffffL); // element count
        put32(b, inner.fileOffset() + 20, 0xffff_ffffL);
        ElfError e = rejected(b, "overflows");
        assertTrue(e.message().contains("map flows"), e.message());
        // The typed view of the same table (which parses: every id exists) gives no size rather than a wrapped one.
        ElfSection s = TestObjects.read("btf_maps").sections().stream().filter(x -> x.name().equals(".BTF")).findFirst().orElseThrow();
        Btf typed = Btf.parse(Bytes.of(java.util.Arrays.copyOfRange(b, (int) s.offset(), (int) (s.offset() + s.size()))));
        assertEquals(OptionalLong.empty(), typed.sizeOf(outer.id()));
        assertEquals(OptionalLong.empty(), typed.sizeOf(inner.id()), "16 GiB: past U32_MAX on its own");
    }

    @Test
    void anArrayOfArraysJustBelowFourGibibytesIsReadAndOneByteMoreIsRefused() throws Exception {
        // int[2^20][2^10 - 1] is 4 GiB - 4 KiB; int[2^20][2^10] is exactly 4 GiB, one past U32_MAX.
        Btf.Type outer = pointee("flows", "max_entries");
        Btf.Type inner = pointee("flows", "type");
        for (long innerCount : new long[] {(1 << 10) - 1, 1 << 10}) {
            byte[] b = original.clone();
            put32(b, pointer("flows", "key").fileOffset() + 8, outer.id());
            put32(b, outer.fileOffset() + 12, inner.id());
            put32(b, outer.fileOffset() + 20, 1 << 20);
            put32(b, inner.fileOffset() + 20, innerCount);
            if (innerCount < 1 << 10) {
                assertEquals(4L * innerCount << 20, map(b, "flows").keySize());
            } else {
                rejected(b, "overflows");
            }
        }
    }

    @Test
    void anArrayThatContainsItselfIsRefused() throws Exception {
        Btf.Type array = pointee("flows", "max_entries");
        byte[] b = original.clone();
        put32(b, pointer("flows", "key").fileOffset() + 8, array.id());
        put32(b, array.fileOffset() + 12, array.id());
        rejected(b, "deeper than");
    }

    @Test
    void aStructThatContainsItselfIsReadAsDeclared() throws Exception {
        // A struct's size is its own word, so a member of its own type makes no loop here.
        Btf.Type flow = pointee("flows", "key");
        byte[] b = original.clone();
        put32(b, flow.fileOffset() + 12 + 4, flow.id()); // first member's type
        assertEquals(12, map(b, "flows").keySize());
    }

    @Test
    void aNamePastTheStringTableIsRefused() throws Exception {
        Btf.Type flow = pointee("flows", "key");
        byte[] b = original.clone();
        put32(b, flow.fileOffset(), 0xffff_fff0L);
        rejected(b, "name");
    }

    @Test
    void aTypeIdPastTheTableIsRefused() throws Exception {
        byte[] b = original.clone();
        put32(b, pointer("flows", "key").fileOffset() + 8, 0x7fff_ffff);
        rejected(b, "does not exist");
    }

    @Test
    void aTypeTableCutShortIsRefused() throws Exception {
        ElfSection s = TestObjects.read("btf_maps").sections().stream().filter(x -> x.name().equals(".BTF")).findFirst().orElseThrow();
        byte[] b = original.clone();
        long typeLen = ObjectMutator.le64(b, (int) s.offset() + 12) & 0xffff_ffffL;
        put32(b, s.offset() + 12, typeLen - 6); // the last record loses its end
        rejected(b, "truncated");
    }
}
