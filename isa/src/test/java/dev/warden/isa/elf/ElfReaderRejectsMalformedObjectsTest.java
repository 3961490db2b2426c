package dev.warden.isa.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each kind of damage gives an {@link ElfFormatException} whose first error names where and what. */
class ElfReaderRejectsMalformedObjectsTest {
    private final byte[] original = TestObjects.object("btf_maps");
    private final BpfObject parsed = TestObjects.read("btf_maps");

    private ElfSection section(String name) {
        return parsed.sections().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /** File offset of the section header of {@code name}. */
    private long header(String name) {
        return ObjectMutator.le64(original, 40) + 64L * section(name).index();
    }

    private static void put32(byte[] b, long at, long v) {
        for (int k = 0; k < 4; k++) {
            b[(int) at + k] = (byte) (v >>> (8 * k));
        }
    }

    private static void put64(byte[] b, long at, long v) {
        put32(b, at, v);
        put32(b, at + 4, v >>> 32);
    }

    private static ElfError rejected(byte[] bytes, String expected) {
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfReader.read(bytes));
        ElfError first = e.errors().getFirst();
        assertTrue(first.message().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
        return first;
    }

    @Test
    void badMagic() {
        byte[] b = original.clone();
        b[1] = 'X';
        assertEquals(new ElfError(0, "", "not an ELF file: expected magic 7f 45 4c 46"), rejected(b, "not an ELF file"));
        assertEquals(0, rejected(new byte[0], "not an ELF file").offset());
    }

    @Test
    void wrongClassEndiannessOrMachine() {
        byte[] b = original.clone();
        b[4] = 1;
        assertEquals(4, rejected(b, "ELF class: expected 2 (64-bit), found 1").offset());
        b = original.clone();
        b[5] = 2;
        assertEquals(5, rejected(b, "expected 1 (little-endian), found 2").offset());
        b = original.clone();
        b[18] = 62; // EM_X86_64
        assertEquals(18, rejected(b, "expected 247 (EM_BPF)").offset());
    }

    @Test
    void sectionContentsPastTheEndOfTheFile() {
        byte[] b = original.clone();
        put64(b, header("xdp") + 24, b.length - 8);
        ElfError e = rejected(b, "truncated contents of section 3 (xdp): offset " + (b.length - 8) + " and size 352");
        assertEquals(new ElfError(header("xdp") + 24, "xdp", e.message()), e);
    }

    @Test
    void sectionNameOutsideTheStringTable() {
        byte[] b = original.clone();
        put32(b, header("xdp"), 0x00ff_ffff);
        ElfError e = rejected(b, "name of section 3: string index 16777215 is outside the string table");
        assertEquals(section(".strtab").offset() + section(".strtab").size(), e.offset());
    }

    @Test
    void relocationAgainstAMissingSymbol() {
        byte[] b = original.clone();
        long rel = section(".relxdp").offset();
        put32(b, rel + 8 + 4, 999); // symbol index of the first entry
        ElfError e = rejected(b, "relocation 0 refers to symbol 999, but the symbol table has 20");
        assertEquals(rel + 8, e.offset());
        assertEquals(".relxdp", e.section());
    }

    @Test
    void relocationOfAnInstructionThatIsNeitherALoadNorACall() {
        byte[] b = original.clone();
        put64(b, section(".relxdp").offset(), 0); // first relocation now applies to "r1 = *(u32 *)(r1 + 12)"
        ElfError e = rejected(b, "relocation against flows applies to opcode 0x61");
        assertEquals(section("xdp").offset(), e.offset());
    }

    @Test
    void truncatedBtf() {
        byte[] b = original.clone();
        long btf = section(".BTF").offset();
        put32(b, btf + 20, 0x10_0000); // str_len far past the section
        ElfError e = rejected(b, "truncated BTF string table");
        assertEquals(".BTF", e.section());
    }

    @Test
    void unknownBtfKind() {
        byte[] b = original.clone();
        long btf = section(".BTF").offset();
        long hdrLen = b[(int) btf + 4] & 0xff;
        put32(b, btf + hdrLen + 4, 31L << 24); // info word of type 1
        ElfError e = rejected(b, "BTF type 1: unknown BTF kind 31");
        assertEquals(btf + hdrLen, e.offset());
    }

    @Test
    void invalidInstructionInAProgram() {
        byte[] b = original.clone();
        long insn = section("xdp").offset() + 8 * 3;
        b[(int) insn] = (byte) 0xff;
        ElfError e = rejected(b, "program count_flows, function count_flows at section offset 24: instruction 3: opcode = 0xff: unknown opcode");
        assertEquals(insn, e.offset());
        assertEquals("xdp", e.section());
    }

    @Test
    void callToNothing() {
        byte[] b = TestObjects.object("loop").clone();
        BpfObject loop = TestObjects.read("loop");
        ElfSection socket = loop.sections().stream().filter(s -> s.name().equals("socket")).findFirst().orElseThrow();
        long insn = socket.offset() + 8 * 2;
        // "r3 = 0" becomes "call pc+1000" (local): there is no function 1000 instructions ahead.
        byte[] call = {(byte) 0x85, 0x10, 0, 0, (byte) 0xe8, 0x03, 0, 0};
        System.arraycopy(call, 0, b, (int) insn, 8);
        ElfError e = rejected(b, "call target 8024 of section socket is not inside a function");
        assertEquals(insn, e.offset());
    }
}
