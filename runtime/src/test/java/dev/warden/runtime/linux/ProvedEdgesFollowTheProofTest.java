package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The survey's denominator and soundness check ({@link ProvedEdges}): a jump on a value the proof
 * knows keeps only the edge the proof followed, a jump on a packet byte keeps both.
 */
class ProvedEdgesFollowTheProofTest {
    @Test
    void aJumpTheProofDecidedKeepsOneEdgeAndAnOpenOneBoth() throws Exception {
        String asm = """
                r2 = *(u32 *)(r1 + 0)
                r3 = *(u32 *)(r1 + 4)
                r0 = 0
                if r0 != 0 goto dead
                r4 = r2
                r4 += 1
                if r4 > r3 goto out
                r0 = *(u8 *)(r2 + 0)
                out:
                exit
                dead:
                r0 = 7
                exit
                """;
        BpfProgram p = new BpfProgram("p", "xdp", Assembler.assemble(asm), List.of(), List.of(), List.of());
        BpfObject object = new BpfObject(List.of(), List.of(p), List.of(), "GPL");
        VerifierOptions options = VerifierOptions.linux();
        options = options.withType(options.platform().type("xdp").orElseThrow());
        VerificationResult result = Verifier.verify(object, p, options);
        BitSet edges = ProvedEdges.of(((VerificationResult.Verified) result).program());
        BitSet expected = new BitSet();
        expected.set(2 * 3); // pc 3 (r0 != 0 on r0 = 0): only the fall-through
        expected.set(2 * 6); // pc 6 (the bounds check): both
        expected.set(2 * 6 + 1);
        assertEquals(expected, edges);
    }
}
