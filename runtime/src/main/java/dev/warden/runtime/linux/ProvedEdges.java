package dev.warden.runtime.linux;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.verifier.VerifiedProgram;
import java.util.BitSet;

/**
 * The conditional branch edges a program's proof reaches: an edge {@code 2 * pc + (taken ? 1 : 0)}
 * of a conditional jump the verifier reached whose successor it also reached (it has an invariant
 * there). A superset of the edges any run can take (the successor may be reached by another way
 * only), so "covered of proved" is a lower bound on the share of feasible edges covered; and an edge
 * a run takes that is not here is an execution the proof said cannot happen: a soundness bug.
 */
final class ProvedEdges {
    private ProvedEdges() {}

    static BitSet of(VerifiedProgram proof) {
        Program p = proof.program();
        BitSet out = new BitSet();
        for (int i = 0; i < p.size(); i++) {
            int pc = p.pcOf(i);
            if (p.get(i) instanceof Instruction.Jump j && proof.invariantAt(pc).isPresent()) {
                if (proof.invariantAt(pc + 1).isPresent()) {
                    out.set(2 * pc);
                }
                if (proof.invariantAt(pc + 1 + j.offset()).isPresent()) {
                    out.set(2 * pc + 1);
                }
            }
        }
        return out;
    }
}
