package dev.warden.runtime;

import static dev.warden.runtime.Ops.*;

import dev.warden.isa.Program;
import dev.warden.vm.AbstractLoadedProgram;
import dev.warden.vm.ExecOptions;

import dev.warden.vm.FaultKind;
import dev.warden.vm.FunctionReturn;
import dev.warden.vm.Helpers;
import dev.warden.vm.Memory;
import dev.warden.vm.VmFault;

/**
 * A program loaded into the reference interpreter: pre-decoded once ({@link Predecoded}), then
 * run by one loop that dispatches on a {@code switch} over dense internal opcodes. Registers live
 * in a {@code long[]}; nothing is allocated per instruction.
 *
 * <p>Semantics are RFC 9669's exactly: 32-bit results zero-extended; unsigned division by zero
 * gives 0 and modulo by zero leaves the dividend; signed division of the minimum by -1 gives
 * the minimum and its remainder 0 (which is what Java's {@code /} and {@code %} do, without
 * throwing); shift amounts masked to the width (Java masks {@code long} shifts by 63 and
 * {@code int} shifts by 31, exactly eBPF's rule). Every memory access goes through
 * {@link Memory}'s checks. Local calls save r6-r9 and the return pc and get a fresh frame; helper
 * calls leave r1-r5 unchanged.
 */
final class InterpretedProgram extends AbstractLoadedProgram {
    private static final long MASK32 = 0xffff_ffffL;

    private final Predecoded p;
    private final Helpers helpers;
    /** The heap the HLDX../HST.. operations confine their addresses to. */
    private final dev.warden.vm.HeapSandbox heap;
    /** Per frame: the pc to return to and the caller's r6-r9. */
    private final int[] returnPc = new int[Memory.MAX_FRAMES];
    private final long[] saved = new long[Memory.MAX_FRAMES * 4];
    private long executed;
    /**
     * The run's budget left, handed across a helper call to the callbacks it makes (bpf_loop),
     * which run on it and leave what they did not use; at most the budget left once a run ends.
     */
    private long shared;

    InterpretedProgram(Program program, ExecOptions options) {
        super(program, options);
        this.helpers = options.helpers();
        this.p = Predecoded.of(program, options);
        this.heap = options.sandbox();
        memory().setFunctionCaller(this::callback);
        memory().setBudgetChannel(() -> shared, left -> shared = left);
    }

    /**
     * A helper calls back into the program (bpf_loop): the function at {@code target} runs in a
     * fresh frame, on a register file of its own, on the run's budget (what the helper's caller
     * left), and returns its r0. Nested in the helper's Java frame; frames bound the depth.
     */
    private long callback(int target, long r1, long r2, long r3, long r4, long r5, int pc) {
        if (!p.functions.get(target)) {
            throw new VmFault(pc, FaultKind.BAD_CALLX, "pc " + target + " is no function whose address the program took");
        }
        Memory mem = memory();
        long[] reg = registers(r1, r2, r3, r4, r5, mem.pushFrame(pc));
        long r0 = loop(reg, shared, target, mem.depth());
        mem.popFrame();
        return r0;
    }

    /** Instructions executed by the last run (including the faulting one, if it faulted). */
    long executedInstructions() {
        return executed;
    }

    @Override
    protected long execute(long r1, long r2, long r3, long r4, long r5, long r10) {
        shared = Long.MAX_VALUE;
        return loop(registers(r1, r2, r3, r4, r5, r10), runBudget(), 0, 1);
    }

    /** A fresh register file with r1-r5 and r10 set, the others 0. */
    private static long[] registers(long r1, long r2, long r3, long r4, long r5, long r10) {
        // 16, not 11: register fields are masked to 4 bits, so C2 can drop the index checks on
        // a local array it knows is 16 long.
        long[] reg = new long[16];
        reg[1] = r1;
        reg[2] = r2;
        reg[3] = r3;
        reg[4] = r4;
        reg[5] = r5;
        reg[10] = r10;
        return reg;
    }

    @Override
    protected long executeInPlace(long r1, long r10, long budget) {
        long[] reg = new long[16];
        reg[1] = r1;
        reg[10] = r10;
        shared = budget;
        return loop(reg, budget, 0, memory().outermostDepth());
    }

    @Override
    protected long executeFunction(int target, long r1, long r2, long r3, long r4, long r5, long r10) {
        if (!p.functions.get(target)) {
            throw new VmFault(-1, FaultKind.BAD_CALLX, "pc " + target + " is no function whose address the program took");
        }
        shared = Long.MAX_VALUE;
        return loop(registers(r1, r2, r3, r4, r5, r10), runBudget(), target, 1);
    }

    /** Runs from {@code start} until the function entered at frame depth {@code depth} exits. */
    private long loop(long[] reg, final long budget, int start, int depth0) {
        long remaining = budget;
        final long[] insns = p.insns;
        final long[] wide = p.imm;
        final Memory mem = memory();
        final boolean[] polls = p.polls;
        final dev.warden.vm.HeapSandbox sb = heap;
        int pc = start;
        try {
        while (true) {
            if (--remaining < 0) {
                throw new VmFault(pc, FaultKind.BUDGET_EXHAUSTED,
                        "the instruction budget of " + options().budget() + " ran out");
            }
            if (polls != null && polls[pc]) {
                mem.cancellationPoint(pc);
            }
            // One load per instruction: the word in the low half, the 32-bit immediate in the high.
            final long ins = insns[pc];
            final int w = (int) ins;
            final int d = (w >>> 8) & 0xf;
            final int s = (w >>> 12) & 0xf;
            switch (w & 0xff) {
                case A64K + ADD -> { long k = (ins >> 32); long x = reg[d]; reg[d] = x + k; pc++; }
                case A64K + SUB -> { long k = (ins >> 32); long x = reg[d]; reg[d] = x - k; pc++; }
                case A64K + MUL -> { long k = (ins >> 32); long x = reg[d]; reg[d] = x * k; pc++; }
                case A64K + DIV -> { long k = (ins >> 32); long x = reg[d]; reg[d] = udiv64(x, k); pc++; }
                case A64K + SDIV -> { long k = (ins >> 32); long x = reg[d]; reg[d] = sdiv64(x, k); pc++; }
                case A64K + OR -> { long k = (ins >> 32); long x = reg[d]; reg[d] = x | k; pc++; }
                case A64K + AND -> { long k = (ins >> 32); long x = reg[d]; reg[d] = x & k; pc++; }
                case A64K + LSH -> { long k = (ins >> 32); long x = reg[d]; reg[d] = x << k; pc++; }
                case A64K + RSH -> { long k = (ins >> 32); long x = reg[d]; reg[d] = x >>> k; pc++; }
                case A64K + NEG -> { long k = (ins >> 32); long x = reg[d]; reg[d] = -x; pc++; }
                case A64K + MOD -> { long k = (ins >> 32); long x = reg[d]; reg[d] = umod64(x, k); pc++; }
                case A64K + SMOD -> { long k = (ins >> 32); long x = reg[d]; reg[d] = smod64(x, k); pc++; }
                case A64K + XOR -> { long k = (ins >> 32); long x = reg[d]; reg[d] = x ^ k; pc++; }
                case A64K + MOV -> { long k = (ins >> 32); reg[d] = k; pc++; }
                case A64K + MOVSX8 -> { long k = (ins >> 32); reg[d] = (byte) k; pc++; }
                case A64K + MOVSX16 -> { long k = (ins >> 32); reg[d] = (short) k; pc++; }
                case A64K + MOVSX32 -> { long k = (ins >> 32); reg[d] = (int) k; pc++; }
                case A64K + ARSH -> { long k = (ins >> 32); long x = reg[d]; reg[d] = x >> k; pc++; }
                case A64X + ADD -> { long x = reg[d]; reg[d] = x + reg[s]; pc++; }
                case A64X + SUB -> { long x = reg[d]; reg[d] = x - reg[s]; pc++; }
                case A64X + MUL -> { long x = reg[d]; reg[d] = x * reg[s]; pc++; }
                case A64X + DIV -> { long x = reg[d]; reg[d] = udiv64(x, reg[s]); pc++; }
                case A64X + SDIV -> { long x = reg[d]; reg[d] = sdiv64(x, reg[s]); pc++; }
                case A64X + OR -> { long x = reg[d]; reg[d] = x | reg[s]; pc++; }
                case A64X + AND -> { long x = reg[d]; reg[d] = x & reg[s]; pc++; }
                case A64X + LSH -> { long x = reg[d]; reg[d] = x << reg[s]; pc++; }
                case A64X + RSH -> { long x = reg[d]; reg[d] = x >>> reg[s]; pc++; }
                case A64X + NEG -> { long x = reg[d]; reg[d] = -x; pc++; }
                case A64X + MOD -> { long x = reg[d]; reg[d] = umod64(x, reg[s]); pc++; }
                case A64X + SMOD -> { long x = reg[d]; reg[d] = smod64(x, reg[s]); pc++; }
                case A64X + XOR -> { long x = reg[d]; reg[d] = x ^ reg[s]; pc++; }
                case A64X + MOV -> { reg[d] = reg[s]; pc++; }
                case A64X + MOVSX8 -> { reg[d] = (byte) reg[s]; pc++; }
                case A64X + MOVSX16 -> { reg[d] = (short) reg[s]; pc++; }
                case A64X + MOVSX32 -> { reg[d] = (int) reg[s]; pc++; }
                case A64X + ARSH -> { long x = reg[d]; reg[d] = x >> reg[s]; pc++; }
                case A32K + ADD -> { int y = (int) (ins >> 32); int x32 = (int) reg[d]; reg[d] = (x32 + y) & MASK32; pc++; }
                case A32K + SUB -> { int y = (int) (ins >> 32); int x32 = (int) reg[d]; reg[d] = (x32 - y) & MASK32; pc++; }
                case A32K + MUL -> { int y = (int) (ins >> 32); int x32 = (int) reg[d]; reg[d] = (x32 * y) & MASK32; pc++; }
                case A32K + DIV -> { int y = (int) (ins >> 32); int x32 = (int) reg[d]; reg[d] = (udiv32(x32, y)) & MASK32; pc++; }
                case A32K + SDIV -> { int y = (int) (ins >> 32); int x32 = (int) reg[d]; reg[d] = (sdiv32(x32, y)) & MASK32; pc++; }
                case A32K + OR -> { int y = (int) (ins >> 32); int x32 = (int) reg[d]; reg[d] = (x32 | y) & MASK32; pc++; }
                case A32K + AND -> { int y = (int) (ins >> 32); int x32 = (int) reg[d]; reg[d] = (x32 & y) & MASK32; pc++; }
                case A32K + LSH -> { int y = (int) (ins >> 32); int x32 = (int) reg[d]; reg[d] = (x32 << y) & MASK32; pc++; }
                case A32K + RSH -> { int y = (int) (ins >> 32); int x32 = (int) reg[d]; reg[d] = (x32 >>> y) & MASK32; pc++; }
                case A32K + NEG -> { int y = (int) (ins >> 32); int x32 = (int) reg[d]; reg[d] = (-x32) & MASK32; pc++; }
                case A32K + MOD -> { int y = (int) (ins >> 32); int x32 = (int) reg[d]; reg[d] = (umod32(x32, y)) & MASK32; pc++; }
                case A32K + SMOD -> { int y = (int) (ins >> 32); int x32 = (int) reg[d]; reg[d] = (smod32(x32, y)) & MASK32; pc++; }
                case A32K + XOR -> { int y = (int) (ins >> 32); int x32 = (int) reg[d]; reg[d] = (x32 ^ y) & MASK32; pc++; }
                case A32K + MOV -> { int y = (int) (ins >> 32); reg[d] = (y) & MASK32; pc++; }
                case A32K + MOVSX8 -> { int y = (int) (ins >> 32); reg[d] = ((byte) y) & MASK32; pc++; }
                case A32K + MOVSX16 -> { int y = (int) (ins >> 32); reg[d] = ((short) y) & MASK32; pc++; }
                case A32K + ARSH -> { int y = (int) (ins >> 32); int x32 = (int) reg[d]; reg[d] = (x32 >> y) & MASK32; pc++; }
                case A32X + ADD -> { int y = (int) reg[s]; int x32 = (int) reg[d]; reg[d] = (x32 + y) & MASK32; pc++; }
                case A32X + SUB -> { int y = (int) reg[s]; int x32 = (int) reg[d]; reg[d] = (x32 - y) & MASK32; pc++; }
                case A32X + MUL -> { int y = (int) reg[s]; int x32 = (int) reg[d]; reg[d] = (x32 * y) & MASK32; pc++; }
                case A32X + DIV -> { int y = (int) reg[s]; int x32 = (int) reg[d]; reg[d] = (udiv32(x32, y)) & MASK32; pc++; }
                case A32X + SDIV -> { int y = (int) reg[s]; int x32 = (int) reg[d]; reg[d] = (sdiv32(x32, y)) & MASK32; pc++; }
                case A32X + OR -> { int y = (int) reg[s]; int x32 = (int) reg[d]; reg[d] = (x32 | y) & MASK32; pc++; }
                case A32X + AND -> { int y = (int) reg[s]; int x32 = (int) reg[d]; reg[d] = (x32 & y) & MASK32; pc++; }
                case A32X + LSH -> { int y = (int) reg[s]; int x32 = (int) reg[d]; reg[d] = (x32 << y) & MASK32; pc++; }
                case A32X + RSH -> { int y = (int) reg[s]; int x32 = (int) reg[d]; reg[d] = (x32 >>> y) & MASK32; pc++; }
                case A32X + NEG -> { int y = (int) reg[s]; int x32 = (int) reg[d]; reg[d] = (-x32) & MASK32; pc++; }
                case A32X + MOD -> { int y = (int) reg[s]; int x32 = (int) reg[d]; reg[d] = (umod32(x32, y)) & MASK32; pc++; }
                case A32X + SMOD -> { int y = (int) reg[s]; int x32 = (int) reg[d]; reg[d] = (smod32(x32, y)) & MASK32; pc++; }
                case A32X + XOR -> { int y = (int) reg[s]; int x32 = (int) reg[d]; reg[d] = (x32 ^ y) & MASK32; pc++; }
                case A32X + MOV -> { int y = (int) reg[s]; reg[d] = (y) & MASK32; pc++; }
                case A32X + MOVSX8 -> { int y = (int) reg[s]; reg[d] = ((byte) y) & MASK32; pc++; }
                case A32X + MOVSX16 -> { int y = (int) reg[s]; reg[d] = ((short) y) & MASK32; pc++; }
                case A32X + ARSH -> { int y = (int) reg[s]; int x32 = (int) reg[d]; reg[d] = (x32 >> y) & MASK32; pc++; }
                case J64K + JEQ -> { long x = reg[d]; long y = (ins >> 32); pc = x == y ? pc + 1 + (w >> 16) : pc + 1; }
                case J64K + JGT -> { long x = reg[d]; long y = (ins >> 32); pc = Long.compareUnsigned(x, y) > 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J64K + JGE -> { long x = reg[d]; long y = (ins >> 32); pc = Long.compareUnsigned(x, y) >= 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J64K + JSET -> { long x = reg[d]; long y = (ins >> 32); pc = (x & y) != 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J64K + JNE -> { long x = reg[d]; long y = (ins >> 32); pc = x != y ? pc + 1 + (w >> 16) : pc + 1; }
                case J64K + JSGT -> { long x = reg[d]; long y = (ins >> 32); pc = x > y ? pc + 1 + (w >> 16) : pc + 1; }
                case J64K + JSGE -> { long x = reg[d]; long y = (ins >> 32); pc = x >= y ? pc + 1 + (w >> 16) : pc + 1; }
                case J64K + JLT -> { long x = reg[d]; long y = (ins >> 32); pc = Long.compareUnsigned(x, y) < 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J64K + JLE -> { long x = reg[d]; long y = (ins >> 32); pc = Long.compareUnsigned(x, y) <= 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J64K + JSLT -> { long x = reg[d]; long y = (ins >> 32); pc = x < y ? pc + 1 + (w >> 16) : pc + 1; }
                case J64K + JSLE -> { long x = reg[d]; long y = (ins >> 32); pc = x <= y ? pc + 1 + (w >> 16) : pc + 1; }
                case J64X + JEQ -> { long x = reg[d]; long y = reg[s]; pc = x == y ? pc + 1 + (w >> 16) : pc + 1; }
                case J64X + JGT -> { long x = reg[d]; long y = reg[s]; pc = Long.compareUnsigned(x, y) > 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J64X + JGE -> { long x = reg[d]; long y = reg[s]; pc = Long.compareUnsigned(x, y) >= 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J64X + JSET -> { long x = reg[d]; long y = reg[s]; pc = (x & y) != 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J64X + JNE -> { long x = reg[d]; long y = reg[s]; pc = x != y ? pc + 1 + (w >> 16) : pc + 1; }
                case J64X + JSGT -> { long x = reg[d]; long y = reg[s]; pc = x > y ? pc + 1 + (w >> 16) : pc + 1; }
                case J64X + JSGE -> { long x = reg[d]; long y = reg[s]; pc = x >= y ? pc + 1 + (w >> 16) : pc + 1; }
                case J64X + JLT -> { long x = reg[d]; long y = reg[s]; pc = Long.compareUnsigned(x, y) < 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J64X + JLE -> { long x = reg[d]; long y = reg[s]; pc = Long.compareUnsigned(x, y) <= 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J64X + JSLT -> { long x = reg[d]; long y = reg[s]; pc = x < y ? pc + 1 + (w >> 16) : pc + 1; }
                case J64X + JSLE -> { long x = reg[d]; long y = reg[s]; pc = x <= y ? pc + 1 + (w >> 16) : pc + 1; }
                case J32K + JEQ -> { int x = (int) reg[d]; int y = (int) (ins >> 32); pc = x == y ? pc + 1 + (w >> 16) : pc + 1; }
                case J32K + JGT -> { int x = (int) reg[d]; int y = (int) (ins >> 32); pc = Integer.compareUnsigned(x, y) > 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J32K + JGE -> { int x = (int) reg[d]; int y = (int) (ins >> 32); pc = Integer.compareUnsigned(x, y) >= 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J32K + JSET -> { int x = (int) reg[d]; int y = (int) (ins >> 32); pc = (x & y) != 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J32K + JNE -> { int x = (int) reg[d]; int y = (int) (ins >> 32); pc = x != y ? pc + 1 + (w >> 16) : pc + 1; }
                case J32K + JSGT -> { int x = (int) reg[d]; int y = (int) (ins >> 32); pc = x > y ? pc + 1 + (w >> 16) : pc + 1; }
                case J32K + JSGE -> { int x = (int) reg[d]; int y = (int) (ins >> 32); pc = x >= y ? pc + 1 + (w >> 16) : pc + 1; }
                case J32K + JLT -> { int x = (int) reg[d]; int y = (int) (ins >> 32); pc = Integer.compareUnsigned(x, y) < 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J32K + JLE -> { int x = (int) reg[d]; int y = (int) (ins >> 32); pc = Integer.compareUnsigned(x, y) <= 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J32K + JSLT -> { int x = (int) reg[d]; int y = (int) (ins >> 32); pc = x < y ? pc + 1 + (w >> 16) : pc + 1; }
                case J32K + JSLE -> { int x = (int) reg[d]; int y = (int) (ins >> 32); pc = x <= y ? pc + 1 + (w >> 16) : pc + 1; }
                case J32X + JEQ -> { int x = (int) reg[d]; int y = (int) reg[s]; pc = x == y ? pc + 1 + (w >> 16) : pc + 1; }
                case J32X + JGT -> { int x = (int) reg[d]; int y = (int) reg[s]; pc = Integer.compareUnsigned(x, y) > 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J32X + JGE -> { int x = (int) reg[d]; int y = (int) reg[s]; pc = Integer.compareUnsigned(x, y) >= 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J32X + JSET -> { int x = (int) reg[d]; int y = (int) reg[s]; pc = (x & y) != 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J32X + JNE -> { int x = (int) reg[d]; int y = (int) reg[s]; pc = x != y ? pc + 1 + (w >> 16) : pc + 1; }
                case J32X + JSGT -> { int x = (int) reg[d]; int y = (int) reg[s]; pc = x > y ? pc + 1 + (w >> 16) : pc + 1; }
                case J32X + JSGE -> { int x = (int) reg[d]; int y = (int) reg[s]; pc = x >= y ? pc + 1 + (w >> 16) : pc + 1; }
                case J32X + JLT -> { int x = (int) reg[d]; int y = (int) reg[s]; pc = Integer.compareUnsigned(x, y) < 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J32X + JLE -> { int x = (int) reg[d]; int y = (int) reg[s]; pc = Integer.compareUnsigned(x, y) <= 0 ? pc + 1 + (w >> 16) : pc + 1; }
                case J32X + JSLT -> { int x = (int) reg[d]; int y = (int) reg[s]; pc = x < y ? pc + 1 + (w >> 16) : pc + 1; }
                case J32X + JSLE -> { int x = (int) reg[d]; int y = (int) reg[s]; pc = x <= y ? pc + 1 + (w >> 16) : pc + 1; }
                case GOTO -> pc = (int) (ins >> 32);
                case LDDW -> { reg[d] = wide[pc]; pc += 2; }
                case LDXB -> { reg[d] = mem.load8(reg[s] + (w >> 16), pc); pc++; }
                case LDXH -> { reg[d] = mem.load16(reg[s] + (w >> 16), pc); pc++; }
                case LDXW -> { reg[d] = mem.load32(reg[s] + (w >> 16), pc); pc++; }
                case LDXDW -> { reg[d] = mem.load64(reg[s] + (w >> 16), pc); pc++; }
                case LDXSB -> { reg[d] = (byte) mem.load8(reg[s] + (w >> 16), pc); pc++; }
                case LDXSH -> { reg[d] = (short) mem.load16(reg[s] + (w >> 16), pc); pc++; }
                case LDXSW -> { reg[d] = (int) mem.load32(reg[s] + (w >> 16), pc); pc++; }
                case STB -> { mem.store8(reg[d] + (w >> 16), (ins >> 32), pc); pc++; }
                case STH -> { mem.store16(reg[d] + (w >> 16), (ins >> 32), pc); pc++; }
                case STW -> { mem.store32(reg[d] + (w >> 16), (ins >> 32), pc); pc++; }
                case STDW -> { mem.store64(reg[d] + (w >> 16), (ins >> 32), pc); pc++; }
                case STXB -> { mem.store8(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case STXH -> { mem.store16(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case STXW -> { mem.store32(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case STXDW -> { mem.store64(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case HLDXB -> { reg[d] = mem.load8(sb.confine(reg[s] + (w >> 16)), pc); pc++; }
                case HLDXH -> { reg[d] = mem.load16(sb.confine(reg[s] + (w >> 16)), pc); pc++; }
                case HLDXW -> { reg[d] = mem.load32(sb.confine(reg[s] + (w >> 16)), pc); pc++; }
                case HLDXDW -> { reg[d] = mem.load64(sb.confine(reg[s] + (w >> 16)), pc); pc++; }
                case HLDXSB -> { reg[d] = (byte) mem.load8(sb.confine(reg[s] + (w >> 16)), pc); pc++; }
                case HLDXSH -> { reg[d] = (short) mem.load16(sb.confine(reg[s] + (w >> 16)), pc); pc++; }
                case HLDXSW -> { reg[d] = (int) mem.load32(sb.confine(reg[s] + (w >> 16)), pc); pc++; }
                case HSTB -> { mem.store8(sb.confine(reg[d] + (w >> 16)), (ins >> 32), pc); pc++; }
                case HSTH -> { mem.store16(sb.confine(reg[d] + (w >> 16)), (ins >> 32), pc); pc++; }
                case HSTW -> { mem.store32(sb.confine(reg[d] + (w >> 16)), (ins >> 32), pc); pc++; }
                case HSTDW -> { mem.store64(sb.confine(reg[d] + (w >> 16)), (ins >> 32), pc); pc++; }
                case HSTXB -> { mem.store8(sb.confine(reg[d] + (w >> 16)), reg[s], pc); pc++; }
                case HSTXH -> { mem.store16(sb.confine(reg[d] + (w >> 16)), reg[s], pc); pc++; }
                case HSTXW -> { mem.store32(sb.confine(reg[d] + (w >> 16)), reg[s], pc); pc++; }
                case HSTXDW -> { mem.store64(sb.confine(reg[d] + (w >> 16)), reg[s], pc); pc++; }
                case LE16 -> { reg[d] &= 0xffffL; pc++; }
                case LE32 -> { reg[d] &= MASK32; pc++; }
                case LE64 -> pc++;
                case SWAP16 -> { reg[d] = Short.reverseBytes((short) reg[d]) & 0xffffL; pc++; }
                case SWAP32 -> { reg[d] = Integer.reverseBytes((int) reg[d]) & MASK32; pc++; }
                case SWAP64 -> { reg[d] = Long.reverseBytes(reg[d]); pc++; }
                case CALL_HELPER -> {
                    shared = remaining;
                    reg[0] = p.helper[pc].call(mem, pc, reg[1], reg[2], reg[3], reg[4], reg[5]);
                    remaining = shared;
                    pc++;
                }
                case CALLX -> {
                    shared = remaining;
                    reg[0] = helpers.callIndirect(reg[d], mem, pc, reg[1], reg[2], reg[3], reg[4], reg[5]);
                    remaining = shared;
                    pc++;
                }
                case CALL_BUDGETED -> {
                    shared = remaining;
                    try {
                        reg[0] = p.helper[pc].call(mem, pc, reg[1], reg[2], reg[3], reg[4], reg[5]);
                        remaining = shared;
                        pc++;
                    } catch (FunctionReturn r) {
                        // A tail call's target ran in this function's place: its r0 is this function's.
                        remaining = shared;
                        reg[0] = r.r0();
                        if (mem.depth() == depth0) {
                            executed = budget - remaining;
                            return reg[0];
                        }
                        pc = returnToCaller(reg, mem);
                    }
                }
                case CALL_LOCAL -> {
                    int depth = mem.depth();
                    reg[10] = mem.pushFrame(pc);
                    returnPc[depth] = pc + 1;
                    int k = depth * 4;
                    saved[k] = reg[6];
                    saved[k + 1] = reg[7];
                    saved[k + 2] = reg[8];
                    saved[k + 3] = reg[9];
                    pc = (int) (ins >> 32);
                }
                case EXIT -> {
                    int depth = mem.depth();
                    if (depth == depth0) {
                        executed = budget - remaining;
                        shared = remaining;
                        return reg[0];
                    }
                    pc = returnToCaller(reg, mem);
                }
                case AADD32 -> { mem.fetchAdd32(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AOR32 -> { mem.fetchOr32(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AAND32 -> { mem.fetchAnd32(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AXOR32 -> { mem.fetchXor32(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AFADD32 -> { reg[s] = mem.fetchAdd32(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AFOR32 -> { reg[s] = mem.fetchOr32(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AFAND32 -> { reg[s] = mem.fetchAnd32(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AFXOR32 -> { reg[s] = mem.fetchXor32(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AXCHG32 -> { reg[s] = mem.exchange32(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case ACMPXCHG32 -> { reg[0] = mem.compareExchange32(reg[d] + (w >> 16), reg[0], reg[s], pc); pc++; }
                case AADD64 -> { mem.fetchAdd64(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AOR64 -> { mem.fetchOr64(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AAND64 -> { mem.fetchAnd64(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AXOR64 -> { mem.fetchXor64(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AFADD64 -> { reg[s] = mem.fetchAdd64(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AFOR64 -> { reg[s] = mem.fetchOr64(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AFAND64 -> { reg[s] = mem.fetchAnd64(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AFXOR64 -> { reg[s] = mem.fetchXor64(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case AXCHG64 -> { reg[s] = mem.exchange64(reg[d] + (w >> 16), reg[s], pc); pc++; }
                case ACMPXCHG64 -> { reg[0] = mem.compareExchange64(reg[d] + (w >> 16), reg[0], reg[s], pc); pc++; }
                case LDABSB -> { reg[0] = mem.packetLoad((ins >> 32), 1, pc); pc++; }
                case LDABSH -> { reg[0] = mem.packetLoad((ins >> 32), 2, pc); pc++; }
                case LDABSW -> { reg[0] = mem.packetLoad((ins >> 32), 4, pc); pc++; }
                case LDINDB -> { reg[0] = mem.packetLoad(reg[s] + (ins >> 32), 1, pc); pc++; }
                case LDINDH -> { reg[0] = mem.packetLoad(reg[s] + (ins >> 32), 2, pc); pc++; }
                case LDINDW -> { reg[0] = mem.packetLoad(reg[s] + (ins >> 32), 4, pc); pc++; }
                case FAULT, FELL_OFF -> throw new VmFault(p.fault[pc]);
                default -> throw new IllegalStateException("internal opcode " + (w & 0xff) + " at pc " + pc);
            }
        }
        } catch (VmFault f) {
            // Counts the faulting instruction; a budget fault executed exactly the budget. A fault
            // in a helper's callback left its count in shared (this loop's remaining is older).
            shared = Math.min(remaining, shared);
            executed = Math.min(budget, budget - shared);
            throw f;
        }
    }

    /** Leaves the current local call: the caller's frame, r10 and r6-r9; returns the pc to go on at. */
    private int returnToCaller(long[] reg, Memory mem) {
        int caller = mem.depth() - 1;
        reg[10] = mem.popFrame();
        int k = caller * 4;
        reg[6] = saved[k];
        reg[7] = saved[k + 1];
        reg[8] = saved[k + 2];
        reg[9] = saved[k + 3];
        return returnPc[caller];
    }

    // Division and remainder by RFC 9669 §4.1: by zero, quotient 0 and remainder the dividend.
    // Signed MIN / -1 needs no case: Java defines it as MIN (remainder 0) and does not throw.

    private static long udiv64(long x, long y) {
        return y == 0 ? 0 : Long.divideUnsigned(x, y);
    }

    private static long sdiv64(long x, long y) {
        return y == 0 ? 0 : x / y;
    }

    private static long umod64(long x, long y) {
        return y == 0 ? x : Long.remainderUnsigned(x, y);
    }

    private static long smod64(long x, long y) {
        return y == 0 ? x : x % y;
    }

    private static int udiv32(int x, int y) {
        return y == 0 ? 0 : Integer.divideUnsigned(x, y);
    }

    private static int sdiv32(int x, int y) {
        return y == 0 ? 0 : x / y;
    }

    private static int umod32(int x, int y) {
        return y == 0 ? x : Integer.remainderUnsigned(x, y);
    }

    private static int smod32(int x, int y) {
        return y == 0 ? x : x % y;
    }

}
