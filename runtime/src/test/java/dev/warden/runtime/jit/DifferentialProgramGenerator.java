package dev.warden.runtime.jit;

import dev.warden.isa.AluOp;
import dev.warden.isa.AtomicOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Operand;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import dev.warden.vm.BudgetedHelper;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.FunctionReturn;
import dev.warden.vm.Helpers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Random programs for comparing two engines, not for a verifier: they use every instruction
 * family (ALU of both widths with zero divisors, byte swaps, sign extensions, loads and stores
 * of every size into the stack, the input and a caller's frame, atomics, forward branches,
 * bounded loops, gotos, local calls, helper calls and {@code callx}) and they fault on purpose
 * now and then (out-of-bounds and misaligned accesses, unknown helpers, writes to r10,
 * unresolved 64-bit loads, kfuncs, calls nested deeper than eight frames, runaway budgets).
 *
 * <p>Complements {@link dev.warden.isa.random.RandomProgramGenerator}, whose programs must pass
 * the kernel's verifier and therefore never fault. Registers: r6 holds the input's address and
 * r7 a pointer into the outermost frame's stack; the body writes them only rarely (to make
 * later accesses fault) and never reads them as values (see {@link #anyReg}). The last
 * instructions fold r0-r5, r8 and r9 into r0, so comparing r0 compares every value register.
 */
final class DifferentialProgramGenerator {
    /** Bytes of input memory each program gets. */
    static final int INPUT_BYTES = 64;
    /**
     * A helper id that stands for the tail call in {@link #options}: a {@link BudgetedHelper} that
     * ends the calling function with r0 = r1, as a tail call whose target returned r1 would.
     */
    static final int TAIL_CALL = 12;

    /** The options the generated programs run with: the conformance helpers and the {@link #TAIL_CALL} stand-in. */
    static ExecOptions options() {
        return ExecOptions.defaults().withHelpers(Helpers.conformance().with(TAIL_CALL, "tail_call",
                (BudgetedHelper) (m, pc, r1, r2, r3, r4, r5) -> {
                    throw new FunctionReturn(r1);
                }));
    }

    private static final Reg[] WRITABLE = {Reg.R0, Reg.R1, Reg.R2, Reg.R3, Reg.R4, Reg.R5, Reg.R8, Reg.R9};
    private static final int[] INTERESTING = {0, 1, -1, 2, 7, 8, 31, 32, 33, 63, 64, 255, 256, 0x7fff, 0x8000, 0xffff,
            Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7fff_fffe, -2, -8, 100, 1000, 65535};

    private final SplittableRandom rnd;
    private final List<Item> items = new ArrayList<>();
    private int labels;
    private final boolean[] counter = new boolean[11];
    private int functions;
    private int currentFunction;
    private int[] functionLabel;

    private DifferentialProgramGenerator(long seed) {
        this.rnd = new SplittableRandom(seed);
    }

    /** The program of {@code seed}; the same seed gives the same program. */
    static Program generate(long seed, int bodyInstructions) {
        return new DifferentialProgramGenerator(seed).program(bodyInstructions);
    }

    /** Input bytes for the program of {@code seed}. */
    static byte[] input(long seed) {
        byte[] b = new byte[INPUT_BYTES];
        new SplittableRandom(seed ^ 0x5eed).nextBytes(b);
        return b;
    }

    private sealed interface Item {}

    private record Fixed(Instruction insn) implements Item {}

    private record JumpTo(int label, IntFunction<Instruction> make) implements Item {}

    private record Bind(int label) implements Item {}

    private Program program(int body) {
        functions = rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(3);
        functionLabel = new int[functions + 1];
        for (int f = 1; f <= functions; f++) {
            functionLabel[f] = labels++;
        }
        // Prologue: r6 = input, r7 = r10 - 256, the rest random.
        fixed(new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R6, Reg.R1));
        fixed(new Instruction.Alu(Width.W64, AluOp.MOV, Reg.R7, Reg.R10));
        fixed(new Instruction.Alu(Width.W64, AluOp.ADD, Reg.R7, new Imm(-256)));
        for (Reg r : WRITABLE) {
            {
                fixed(rnd.nextBoolean() ? Instruction.LoadImm64.of(r, rnd.nextLong())
                        : new Instruction.Alu(Width.W64, AluOp.MOV, r, new Imm(interesting())));
            }
        }
        currentFunction = 0;
        block(0, body);
        epilogue();
        for (int f = 1; f <= functions; f++) {
            currentFunction = f;
            items.add(new Bind(functionLabel[f]));
            block(1, 4 + rnd.nextInt(Math.max(1, body / 3)));
            fixed(new Instruction.Exit());
        }
        return resolve();
    }

    /** Folds r0-r9 into r0 with rotations, then exits. */
    private void epilogue() {
        for (int r = 1; r <= 9; r++) {
            if (r == 6 || r == 7) {
                continue; // addresses; see anyReg()
            }
            fixed(new Instruction.Alu(Width.W64, AluOp.LSH, Reg.R0, new Imm(5)));
            fixed(new Instruction.Alu(Width.W64, AluOp.XOR, Reg.R0, Reg.of(r)));
        }
        fixed(new Instruction.Exit());
    }

    private void block(int depth, int budget) {
        for (int n = 0; n < budget; ) {
            int r = rnd.nextInt(100);
            if (depth < 3 && r < 6) {
                n += ifBlock(depth);
            } else if (depth < 3 && r < 9) {
                n += loop(depth);
            } else {
                simple();
                n++;
            }
        }
    }

    private int ifBlock(int depth) {
        int skip = labels++;
        conditionalJump(skip);
        int inner = 1 + rnd.nextInt(5);
        block(depth + 1, inner);
        if (rnd.nextInt(3) == 0) {
            int end = labels++;
            items.add(new JumpTo(end, off -> rnd.nextBoolean() ? new Instruction.Goto(off, Instruction.GotoForm.SHORT)
                    : new Instruction.Goto(off, Instruction.GotoForm.LONG)));
            items.add(new Bind(skip));
            block(depth + 1, 1 + rnd.nextInt(4));
            items.add(new Bind(end));
        } else {
            items.add(new Bind(skip));
        }
        return inner + 2;
    }

    private int loop(int depth) {
        Reg c = counter[8] ? (counter[9] ? null : Reg.R9) : Reg.R8;
        if (c == null) {
            simple();
            return 1;
        }
        counter[c.number()] = true;
        int trips = 1 + rnd.nextInt(5);
        fixed(new Instruction.Alu(Width.W64, AluOp.MOV, c, new Imm(0)));
        int head = labels++;
        items.add(new Bind(head));
        int inner = 1 + rnd.nextInt(6);
        block(depth + 1, inner);
        fixed(new Instruction.Alu(Width.W64, AluOp.ADD, c, new Imm(1)));
        Width w = rnd.nextBoolean() ? Width.W64 : Width.W32;
        items.add(new JumpTo(head, off -> new Instruction.Jump(w, JmpCond.JLT, c, new Imm(trips), off)));
        counter[c.number()] = false;
        return inner + 3;
    }

    private void conditionalJump(int label) {
        JmpCond cond = pick(JmpCond.values());
        Width w = rnd.nextBoolean() ? Width.W64 : Width.W32;
        Reg dst = anyReg();
        Operand src = rnd.nextBoolean() ? anyReg() : new Imm(interesting());
        items.add(new JumpTo(label, off -> new Instruction.Jump(w, cond, dst, src, off)));
    }

    private void simple() {
        int r = rnd.nextInt(1000);
        if (r < 400) {
            alu();
        } else if (r < 450) {
            fixed(new Instruction.Endian(pick(Instruction.ByteOrder.values()), pick(new int[] {16, 32, 64}), writable()));
        } else if (r < 580) {
            load();
        } else if (r < 700) {
            store();
        } else if (r < 780) {
            atomic();
        } else if (r < 820) {
            fixed(Instruction.LoadImm64.of(writable(), rnd.nextLong()));
        } else if (r < 870) {
            localCall();
        } else if (r < 920) {
            helperCall();
        } else if (r < 990) {
            alu();
        } else {
            rareFault();
        }
    }

    private void alu() {
        Width w = rnd.nextBoolean() ? Width.W64 : Width.W32;
        AluOp op = pick(AluOp.values());
        if (!op.validAt(w)) {
            w = Width.W64;
        }
        Reg dst = writable();
        Operand src;
        if (op == AluOp.NEG) {
            src = new Imm(0);
        } else if (op.isSignExtendingMove() || rnd.nextBoolean()) {
            src = anyReg();
        } else {
            src = new Imm(interesting());
        }
        fixed(new Instruction.Alu(w, op, dst, src));
    }

    /** A base register and an offset: usually in a region, sometimes just outside or anywhere. */
    private Reg base() {
        return switch (rnd.nextInt(3)) {
            case 0 -> Reg.R10;
            case 1 -> Reg.R6;
            default -> Reg.R7;
        };
    }

    private int offset(Reg base, Size size, boolean aligned) {
        int r = rnd.nextInt(100);
        int span = base == Reg.R6 ? INPUT_BYTES : 256;
        int start = base == Reg.R10 ? -512 : 0;
        int off;
        if (r < 3) {
            off = rnd.nextInt(-600, 600); // often out of bounds
        } else if (r < 6) {
            off = start + span - size.bytes() + 1 + rnd.nextInt(4); // straddles the end
        } else {
            off = start + rnd.nextInt(span - size.bytes() + 1);
        }
        if (aligned && rnd.nextInt(50) != 0) {
            off &= -size.bytes();
        }
        return off;
    }

    private void load() {
        Size size = pick(Size.values());
        Reg base = base();
        Instruction.Extension ext = size != Size.DW && rnd.nextInt(4) == 0 ? Instruction.Extension.SIGN
                : Instruction.Extension.ZERO;
        fixed(new Instruction.Load(size, ext, writable(), base, offset(base, size, false)));
    }

    private void store() {
        Size size = pick(Size.values());
        Reg base = base();
        int off = offset(base, size, false);
        if (rnd.nextBoolean()) {
            fixed(new Instruction.StoreImm(size, base, off, interesting()));
        } else {
            fixed(new Instruction.StoreReg(size, base, anyReg(), off));
        }
    }

    private void atomic() {
        Size size = rnd.nextBoolean() ? Size.W : Size.DW;
        AtomicOp op = pick(AtomicOp.values());
        Instruction.Fetch fetch = op.alwaysFetches() || rnd.nextBoolean() ? Instruction.Fetch.FETCH
                : Instruction.Fetch.NO_FETCH;
        Reg base = base();
        Reg src = fetch == Instruction.Fetch.FETCH ? writable() : anyReg();
        fixed(new Instruction.Atomic(size, op, fetch, base, src, offset(base, size, true)));
    }

    private void localCall() {
        // Calls go to later functions (no recursion), except now and then to itself or earlier
        // ones, which nests until the call depth faults or the budget runs out.
        if (functions == 0) {
            alu();
            return;
        }
        int target;
        if (currentFunction < functions && rnd.nextInt(20) != 0) {
            target = currentFunction + 1 + rnd.nextInt(functions - currentFunction);
        } else {
            target = 1 + rnd.nextInt(functions);
        }
        items.add(new JumpTo(functionLabel[target], off -> new Instruction.Call(Instruction.CallKind.LOCAL, off)));
    }

    private void helperCall() {
        switch (rnd.nextInt(10)) {
            case 0, 1, 2, 3, 4 -> fixed(new Instruction.Call(Instruction.CallKind.HELPER, 5));
            case 5, 6, 7 -> {
                Reg r = writable();
                fixed(new Instruction.Alu(Width.W64, AluOp.MOV, r, new Imm(5)));
                fixed(new Instruction.CallX(r));
            }
            case 8 -> {
                if (rnd.nextBoolean()) {
                    fixed(new Instruction.CallX(anyReg())); // usually not a helper id
                } else {
                    // The tail-call stand-in (TAIL_CALL): a callx to it faults BAD_CALLX, a call ends the function.
                    Reg r = writable();
                    fixed(new Instruction.Alu(Width.W64, AluOp.MOV, r, new Imm(TAIL_CALL)));
                    fixed(rnd.nextBoolean() ? new Instruction.CallX(r) : new Instruction.Call(Instruction.CallKind.HELPER, TAIL_CALL));
                }
            }
            default -> fixed(new Instruction.Call(Instruction.CallKind.HELPER, rnd.nextInt(1, 10)));
        }
    }

    private void rareFault() {
        switch (rnd.nextInt(5)) {
            case 0 -> fixed(new Instruction.Alu(Width.W64, AluOp.ADD, Reg.R10, new Imm(8)));
            case 1 -> fixed(new Instruction.LoadImm64(writable(), Pseudo.MAP_FD, 3, 0));
            case 2 -> fixed(new Instruction.Call(Instruction.CallKind.KFUNC, 77));
            case 3 -> fixed(new Instruction.Alu(Width.W64, AluOp.MOV, rnd.nextBoolean() ? Reg.R6 : Reg.R7,
                    new Imm(interesting())));
            default -> fixed(new Instruction.PacketLoad(Instruction.PacketMode.ABS, Size.B, Reg.R0, 0));
        }
    }

    private Reg writable() {
        while (true) {
            Reg r = WRITABLE[rnd.nextInt(WRITABLE.length)];
            if (!counter[r.number()]) {
                return r;
            }
        }
    }

    /**
     * A register read as a value. Never r6, r7 or r10: they hold addresses, which differ between
     * two engines' memories, so a value derived from them would make r0 or memory differ for no
     * fault of either engine. They serve only as bases of memory accesses.
     */
    private Reg anyReg() {
        return WRITABLE[rnd.nextInt(WRITABLE.length)];
    }

    private int interesting() {
        return rnd.nextInt(3) == 0 ? rnd.nextInt() : INTERESTING[rnd.nextInt(INTERESTING.length)];
    }

    private <T> T pick(T[] values) {
        return values[rnd.nextInt(values.length)];
    }

    private int pick(int[] values) {
        return values[rnd.nextInt(values.length)];
    }

    private void fixed(Instruction insn) {
        items.add(new Fixed(insn));
    }

    private Program resolve() {
        int[] at = new int[labels];
        int pc = 0;
        for (Item it : items) {
            switch (it) {
                case Fixed f -> pc += f.insn().slots();
                case JumpTo j -> pc += 1;
                case Bind b -> at[b.label()] = pc;
            }
        }
        List<Instruction> out = new ArrayList<>();
        pc = 0;
        for (Item it : items) {
            switch (it) {
                case Fixed f -> {
                    out.add(f.insn());
                    pc += f.insn().slots();
                }
                case JumpTo j -> {
                    out.add(j.make().apply(at[j.label()] - pc - 1));
                    pc += 1;
                }
                case Bind b -> { }
            }
        }
        try {
            return Program.of(out);
        } catch (InvalidProgramException e) {
            throw new AssertionError("generator made broken control flow", e);
        }
    }
}
