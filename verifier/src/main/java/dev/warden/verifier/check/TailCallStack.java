package dev.warden.verifier.check;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.cfg.ControlFlowGraph;
import dev.warden.isa.cfg.Subprogram;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.state.AbstractState;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

/**
 * Linux's stack rule for programs that mix bpf-to-bpf calls and tail calls
 * ({@code check_max_stack_depth}): a tail call unwinds only the frame of the subprogram that makes
 * it, so its callers' frames stay while up to 33 targets run on top of them. The kernel therefore
 * refuses a subprogram that tail-calls when the frames of the functions that lead to it (along any
 * call chain from the entry, callbacks included) already take 256 bytes or more, each function's
 * frame counted as the bytes of it any access reaches rounded up to 16 (the x86-64 JIT's rounding;
 * a tail call from a subprogram needs the JIT). Warden's engines give every frame 512 bytes and
 * bound the chain by frames instead, so this rule is the kernel's, kept so that what Warden accepts
 * as a Linux program the kernel loads.
 */
public final class TailCallStack {
    private TailCallStack() {}

    /** The most bytes the callers of a tail-calling subprogram may use, exclusive. */
    static final long LIMIT = 256;
    private static final int TAIL_CALL = 12;

    /**
     * Reports, at the call that enters it, each subprogram that may tail-call with 256 or more
     * bytes of its callers' frames below it. {@code stack} gives each function's frame bytes.
     */
    public static void check(Program program, SortedMap<Integer, Long> stack, Collector sink) {
        ControlFlowGraph cfg = ControlFlowGraph.of(program);
        visit(cfg, program, stack, 0, 0, new ArrayList<>(List.of(0)), -1, sink);
    }

    private static void visit(ControlFlowGraph cfg, Program program, SortedMap<Integer, Long> stack, int entry, long below,
                              List<Integer> chain, int callPc, Collector sink) {
        Subprogram f = cfg.function(entry).orElseThrow();
        if (entry != 0 && below >= LIMIT && tailCalls(cfg, program, f)) {
            sink.violation(callPc, new Obligation.CallDepth(entry, (int) LIMIT), "tail_calls are not allowed when call stack of"
                    + " previous frames is " + below + " bytes. Too large (the function at pc " + entry + " may tail-call, and"
                    + " the frames of " + chain.subList(0, chain.size() - 1) + " below it take 256 bytes or more; Linux's rule"
                    + " for programs that mix tail calls and bpf-to-bpf calls)", AbstractState.BOTTOM);
            return;
        }
        long above = below + roundUp(stack.getOrDefault(entry, 0L));
        for (int block : f.blocks()) {
            for (int pc : cfg.block(block).pcs()) {
                Instruction insn = program.at(pc);
                int target = insn instanceof Instruction.Call c && c.kind() == Instruction.CallKind.LOCAL ? Program.targetOf(pc, c)
                        : insn instanceof Instruction.LoadImm64 l && l.pseudo() == Pseudo.FUNC ? pc + 1 + l.imm() : -1;
                if (target >= 0 && cfg.function(target).isPresent() && !chain.contains(target)) {
                    chain.add(target);
                    visit(cfg, program, stack, target, above, chain, pc, sink);
                    chain.removeLast();
                }
            }
        }
    }

    private static boolean tailCalls(ControlFlowGraph cfg, Program program, Subprogram f) {
        for (int block : f.blocks()) {
            for (int pc : cfg.block(block).pcs()) {
                if (program.at(pc) instanceof Instruction.Call c && c.kind() == Instruction.CallKind.HELPER && c.imm() == TAIL_CALL) {
                    return true;
                }
            }
        }
        return false;
    }

    private static long roundUp(long bytes) {
        return (bytes + 15) & -16L;
    }
}
