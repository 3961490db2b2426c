package dev.warden.isa.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.isa.Program;
import org.junit.jupiter.api.Test;

/** One text may mix the two syntaxes line by line, with labels, comments and annotations. */
class AssemblerReadsBothSyntaxesMixedTest {

    @Test
    void mixedSyntaxesAssembleToTheSameProgramAsEitherAlone() throws Exception {
        Program mixed = Assembler.assemble("""
                // sum the bytes at r1[0..3], then check the total
                mov %r0, 0                    # conformance syntax
                r2 = 0                        ; LLVM syntax
                loop:
                r3 = *(u8 *)(r1 + 0)
                add %r0, %r3
                r1 += 1
                add32 %r2, 1
                if w2 < 4 goto loop
                jeq %r0, 0x6, done
                goto +2 <LBB0_3>
                r0 = -1 ll
                done: exit
                """);
        Program llvm = Assembler.assemble("""
                r0 = 0
                r2 = 0
                r3 = *(u8 *)(r1 + 0)
                r0 += r3
                r1 += 1
                w2 += 1
                if w2 < 4 goto -5
                if r0 == 6 goto +3
                goto +2
                r0 = -1 ll
                exit
                """);
        Program mnemonic = Assembler.assemble("""
                mov %r0, 0
                mov %r2, 0
                ldxb %r3, [%r1]
                add %r0, %r3
                add %r1, 1
                add32 %r2, 1
                jlt32 %r2, 4, -5
                jeq %r0, 6, +3
                ja +2
                lddw %r0, 0xffffffffffffffff
                exit
                """);
        assertEquals(llvm, mixed);
        assertEquals(mnemonic, mixed);
    }
}
