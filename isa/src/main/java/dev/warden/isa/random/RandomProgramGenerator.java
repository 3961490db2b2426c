package dev.warden.isa.random;

import dev.warden.isa.AluOp;
import dev.warden.isa.AtomicOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Operand;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

/**
 * Makes random eBPF programs that the Linux verifier accepts and whose result is a deterministic
 * function of the program (see the contract on {@link GeneratedProgram}). The same seed and
 * options give the same program on every JVM ({@link SplittableRandom}'s sequence is specified).
 *
 * <p>Shape: a prologue writes r0-r9 with random constants and every stack slot with a constant
 * or a register; a body of structured code follows — straight-line instructions, if blocks,
 * if/else blocks and counter-controlled loops, nested up to {@link GeneratorOptions#maxNesting()};
 * then the one {@code exit}. What keeps the verifier content:
 * <ul>
 *   <li>every register is written before it is read; r10 is only a base address, or copied into a
 *       register for one access, after which that register is overwritten with a number;</li>
 *   <li>stack accesses are aligned to their size and inside the initialised area;</li>
 *   <li>no division or modulo by an immediate zero, no shift by an immediate out of range
 *       (register divisors and shift amounts are unrestricted: their run-time meaning is defined);</li>
 *   <li>every instruction is reachable in the control-flow graph (no code after an unconditional jump
 *       except a jump target);</li>
 *   <li>a loop's counter is written only by its own loop, starts at a constant and moves by one
 *       towards a constant bound, so the verifier follows each trip and sees it end.</li>
 * </ul>
 */
public final class RandomProgramGenerator {
    private final GeneratorOptions options;

    public RandomProgramGenerator(GeneratorOptions options) {
        this.options = options;
    }

    public GeneratorOptions options() {
        return options;
    }

    /** The most local functions a program has (they call only later ones, so calls nest at most this deep). */
    public static final int MAX_LOCAL_FUNCTIONS = 2;
    /** The most body instructions of a local function: it runs on every trip of the loops around its calls. */
    private static final int LOCAL_BODY_INSTRUCTIONS = 40;
    /** Stack slots of each local function's own frame (at most the main function's). */
    private static final int LOCAL_STACK_SLOTS = 4;

    public GeneratedProgram generate(long seed) {
        Emitter e = new Emitter(new SplittableRandom(seed));
        int locals = options.has(Feature.LOCAL_CALLS) ? 1 + e.rnd.nextInt(MAX_LOCAL_FUNCTIONS) : 0;
        e.declareFunctions(locals);
        e.prologue();
        e.block(0, options.bodyInstructions());
        e.callTheUncalled();
        e.fixed(new Instruction.Exit());
        int mainExit = e.instructionCount() - 1;
        for (int f = 1; f <= locals; f++) {
            e.localFunction(f, Math.clamp(options.bodyInstructions() / 3, 1, LOCAL_BODY_INSTRUCTIONS));
        }
        try {
            return new GeneratedProgram(seed, options, Program.of(e.resolve()), mainExit);
        } catch (InvalidProgramException ex) {
            throw new AssertionError("generator made a program with broken control flow (seed " + seed + ")", ex);
        }
    }

    /** Instructions and label-referencing jumps as they are emitted; offsets are fixed in {@link #resolve}. */
    private sealed interface Item {}

    private record Fixed(Instruction insn) implements Item {}

    /** A one-slot jump to {@code label}; {@code make} builds it from its offset. */
    private record JumpTo(int label, IntFunction<Instruction> make) implements Item {}

    private record Bind(int label) implements Item {}

    /** Everything that changes while one program is generated. */
    private final class Emitter {
        final SplittableRandom rnd;
        private final List<Item> items = new ArrayList<>();
        /** Registers reserved as loop counters of the enclosing loops; never written by the body. */
        private final boolean[] counter = new boolean[ExitState.REGISTERS];
        private int labels;
        private int emitted;
        /** The function being generated: 0 is the main function, 1.. the local ones. */
        private int function;
        /** The label of each function's first instruction (index 0 unused). */
        private int[] functionLabel = new int[1];
        private boolean[] calledFromMain = new boolean[1];
        /** Stack slots of the function being generated. */
        private int stackSlots;

        Emitter(SplittableRandom rnd) {
            this.rnd = rnd;
            this.stackSlots = options.stackSlots();
        }

        void declareFunctions(int locals) {
            functionLabel = new int[locals + 1];
            calledFromMain = new boolean[locals + 1];
            for (int f = 1; f <= locals; f++) {
                functionLabel[f] = newLabel();
            }
        }

        int instructionCount() {
            int n = 0;
            for (Item item : items) {
                n += item instanceof Bind ? 0 : 1;
            }
            return n;
        }

        /**
         * Local function {@code f}: r1-r5 hold its caller's values (its arguments); it writes r0,
         * r6-r9 (which the call must preserve for the caller) and its own stack slots first, then a
         * body that may call later functions, then its exit.
         */
        void localFunction(int f, int budget) {
            function = f;
            stackSlots = Math.min(LOCAL_STACK_SLOTS, options.stackSlots());
            bind(functionLabel[f]);
            for (int r : new int[] {0, 6, 7, 8, 9}) {
                fixed(new Instruction.Alu(Width.W64, AluOp.MOV, Reg.of(r), new Imm(interestingInt())));
            }
            initialiseStack();
            emitted = 0;
            block(0, budget);
            fixed(new Instruction.Exit());
        }

        /**
         * Ends the main function with a call to each local function it has not called yet: the
         * verifier refuses code that no path reaches, and a call from the main function (whichever
         * branch it sits in) makes its callee reachable.
         */
        void callTheUncalled() {
            for (int f = 1; f < functionLabel.length; f++) {
                if (!calledFromMain[f]) {
                    call(f);
                }
            }
        }

        /**
         * {@code call f} for a later function f, then new values for r1-r5: the kernel's verifier
         * treats them as clobbered by any call, so reading them again needs a write first.
         */
        private void call() {
            call(function + 1 + rnd.nextInt(functionLabel.length - 1 - function));
        }

        private void call(int callee) {
            if (function == 0) {
                calledFromMain[callee] = true;
            }
            jump(functionLabel[callee], off -> new Instruction.Call(Instruction.CallKind.LOCAL, off));
            for (int r = 1; r <= 5; r++) {
                fixed(new Instruction.Alu(Width.W64, AluOp.MOV, Reg.of(r), new Imm(interestingInt())));
            }
        }

        void prologue() {
            for (int r = 0; r < ExitState.REGISTERS; r++) {
                Reg reg = Reg.of(r);
                switch (rnd.nextInt(3)) {
                    case 0 -> fixed(Instruction.LoadImm64.of(reg, interestingLong()));
                    case 1 -> fixed(new Instruction.Alu(Width.W64, AluOp.MOV, reg, new Imm(interestingInt())));
                    default -> fixed(new Instruction.Alu(Width.W32, AluOp.MOV, reg, new Imm(interestingInt())));
                }
            }
            initialiseStack();
            emitted = 0;
        }

        private void initialiseStack() {
            for (int slot = 0; slot < stackSlots; slot++) {
                int offset = -8 * (slot + 1);
                if (rnd.nextBoolean()) {
                    fixed(new Instruction.StoreImm(Size.DW, Reg.R10, offset, interestingInt()));
                } else {
                    fixed(new Instruction.StoreReg(Size.DW, Reg.R10, anyReg(), offset));
                }
            }
        }

        /** Emits about {@code budget} instructions of structured code at nesting {@code depth}. */
        void block(int depth, int budget) {
            int end = emitted + Math.max(1, budget);
            while (emitted < end) {
                step(depth, end - emitted);
            }
        }

        private void step(int depth, int room) {
            if (depth < options.maxNesting() && room >= 4) {
                int r = rnd.nextInt(100);
                if (options.has(Feature.BRANCHES) && r < 7) {
                    ifBlock(depth, room);
                    return;
                }
                if (options.has(Feature.BRANCHES) && r < 11) {
                    ifElseBlock(depth, room);
                    return;
                }
                if (options.has(Feature.LOOPS) && r < 15 && freeCounter()) {
                    loop(depth, room);
                    return;
                }
            }
            simpleStep();
        }

        private int innerBudget(int room) {
            return 1 + rnd.nextInt(Math.min(room - 2, 12));
        }

        private void ifBlock(int depth, int room) {
            int skip = newLabel();
            conditionalJump(skip);
            block(depth + 1, innerBudget(room));
            bind(skip);
        }

        private void ifElseBlock(int depth, int room) {
            int elseLabel = newLabel();
            int end = newLabel();
            conditionalJump(elseLabel);
            block(depth + 1, innerBudget(room) / 2 + 1);
            boolean longForm = options.has(Feature.LONG_GOTO) && rnd.nextInt(3) == 0;
            jump(end, off -> new Instruction.Goto(off, longForm ? Instruction.GotoForm.LONG : Instruction.GotoForm.SHORT));
            bind(elseLabel);
            block(depth + 1, innerBudget(room) / 2 + 1);
            bind(end);
        }

        /**
         * {@code c = N; head: body; c -= 1; if c != 0 goto head} or the counting-up form
         * {@code c = 0; head: body; c += 1; if c < N goto head}. The counter is reserved while the
         * body is generated, so the trip count is exactly N.
         */
        private void loop(int depth, int room) {
            Reg c = pickCounter();
            int trips = 1 + rnd.nextInt(options.maxLoopIterations());
            boolean down = rnd.nextBoolean();
            Width step = rnd.nextBoolean() ? Width.W64 : Width.W32;
            fixed(new Instruction.Alu(Width.W64, AluOp.MOV, c, new Imm(down ? trips : 0)));
            int head = newLabel();
            bind(head);
            counter[c.number()] = true;
            block(depth + 1, innerBudget(room));
            counter[c.number()] = false;
            if (down) {
                fixed(new Instruction.Alu(step, AluOp.SUB, c, new Imm(1)));
                jump(head, off -> new Instruction.Jump(Width.W64, JmpCond.JNE, c, new Imm(0), off));
            } else {
                fixed(new Instruction.Alu(step, AluOp.ADD, c, new Imm(1)));
                jump(head, off -> new Instruction.Jump(Width.W64, JmpCond.JLT, c, new Imm(trips), off));
            }
        }

        private void conditionalJump(int label) {
            Width w = options.has(Feature.JMP32) && rnd.nextBoolean() ? Width.W32 : Width.W64;
            JmpCond cond = pick(JmpCond.values());
            Reg dst = anyReg();
            Operand src = rnd.nextBoolean() ? anyReg() : new Imm(interestingInt());
            jump(label, off -> new Instruction.Jump(w, cond, dst, src, off));
        }

        /** One straight-line instruction (two slots for a 64-bit immediate load). */
        private void simpleStep() {
            List<Runnable> choices = new ArrayList<>();
            if (options.has(Feature.ALU32) || options.has(Feature.ALU64)) {
                for (int i = 0; i < 8; i++) {
                    choices.add(this::alu);
                }
            }
            if (options.has(Feature.MOVSX)) {
                choices.add(this::movsx);
            }
            if (options.has(Feature.ENDIAN)) {
                choices.add(() -> endian(rnd.nextBoolean() ? Instruction.ByteOrder.TO_LE : Instruction.ByteOrder.TO_BE));
            }
            if (options.has(Feature.BSWAP)) {
                choices.add(() -> endian(Instruction.ByteOrder.SWAP));
            }
            if (options.has(Feature.IMM64)) {
                choices.add(() -> fixed(Instruction.LoadImm64.of(writableReg(), interestingLong())));
            }
            if (options.has(Feature.STACK_LOADS)) {
                choices.add(this::load);
                choices.add(this::load);
            }
            if (options.has(Feature.STACK_STORES)) {
                choices.add(this::store);
                choices.add(this::store);
            }
            if (options.has(Feature.ATOMICS) || options.has(Feature.ATOMIC_FETCH)) {
                choices.add(this::atomic);
            }
            if (function < functionLabel.length - 1) {
                choices.add(this::call);
            }
            if (options.has(Feature.POINTER_ACCESS) && (options.has(Feature.STACK_LOADS) || options.has(Feature.STACK_STORES))) {
                choices.add(this::pointerAccess);
            }
            if (choices.isEmpty()) {
                // Nothing enabled: moves of constants keep the program well-formed and non-empty.
                fixed(new Instruction.Alu(Width.W64, AluOp.MOV, writableReg(), new Imm(interestingInt())));
                return;
            }
            choices.get(rnd.nextInt(choices.size())).run();
        }

        private void alu() {
            Width w = options.has(Feature.ALU32) && options.has(Feature.ALU64)
                    ? (rnd.nextBoolean() ? Width.W32 : Width.W64)
                    : options.has(Feature.ALU64) ? Width.W64 : Width.W32;
            List<AluOp> ops = new ArrayList<>(List.of(AluOp.ADD, AluOp.SUB, AluOp.MUL, AluOp.OR, AluOp.AND,
                    AluOp.LSH, AluOp.RSH, AluOp.NEG, AluOp.XOR, AluOp.MOV, AluOp.ARSH));
            if (options.has(Feature.DIV_MOD)) {
                ops.addAll(List.of(AluOp.DIV, AluOp.MOD));
            }
            if (options.has(Feature.SIGNED_DIV_MOD)) {
                ops.addAll(List.of(AluOp.SDIV, AluOp.SMOD));
            }
            AluOp op = ops.get(rnd.nextInt(ops.size()));
            Reg dst = writableReg();
            Operand src = switch (op) {
                case NEG -> new Imm(0);
                case LSH, RSH, ARSH -> rnd.nextBoolean() ? anyReg() : new Imm(rnd.nextInt(w.bits()));
                case DIV, MOD, SDIV, SMOD -> rnd.nextBoolean() ? anyReg() : new Imm(nonZeroInt());
                default -> rnd.nextBoolean() ? anyReg() : new Imm(interestingInt());
            };
            fixed(new Instruction.Alu(w, op, dst, src));
        }

        private void movsx() {
            Width w = options.has(Feature.ALU32) && (!options.has(Feature.ALU64) || rnd.nextBoolean())
                    ? Width.W32 : Width.W64;
            AluOp op = w == Width.W32
                    ? pick(new AluOp[] {AluOp.MOVSX8, AluOp.MOVSX16})
                    : pick(new AluOp[] {AluOp.MOVSX8, AluOp.MOVSX16, AluOp.MOVSX32});
            fixed(new Instruction.Alu(w, op, writableReg(), anyReg()));
        }

        private void endian(Instruction.ByteOrder order) {
            fixed(new Instruction.Endian(order, pick(new int[] {16, 32, 64}), writableReg()));
        }

        private void load(){
            Size size = pick(Size.values());
            Instruction.Extension ext = size != Size.DW && options.has(Feature.SIGN_EXTENDING_LOADS) && rnd.nextBoolean()
                    ? Instruction.Extension.SIGN : Instruction.Extension.ZERO;
            fixed(new Instruction.Load(size, ext, writableReg(), Reg.R10, stackOffset(size)));
        }

        private void store() {
            Size size = pick(Size.values());
            int offset = stackOffset(size);
            if (rnd.nextBoolean()) {
                fixed(new Instruction.StoreImm(size, Reg.R10, offset, interestingInt()));
            } else {
                fixed(new Instruction.StoreReg(size, Reg.R10, anyReg(), offset));
            }
        }

        /**
         * An atomic operation on an aligned word or double word of the stack area. The registers
         * it writes (src for a fetch, r0 for cmpxchg) are never loop counters.
         */
        private void atomic() {
            Size size = rnd.nextBoolean() ? Size.W : Size.DW;
            List<AtomicOp> ops = new ArrayList<>();
            if (options.has(Feature.ATOMICS) || options.has(Feature.ATOMIC_FETCH)) {
                ops.addAll(List.of(AtomicOp.ADD, AtomicOp.OR, AtomicOp.AND, AtomicOp.XOR));
            }
            if (options.has(Feature.ATOMIC_FETCH)) {
                ops.add(AtomicOp.XCHG);
                if (!counter[0]) {
                    ops.add(AtomicOp.CMPXCHG);
                }
            }
            AtomicOp op = ops.get(rnd.nextInt(ops.size()));
            boolean fetch = op.alwaysFetches() || (options.has(Feature.ATOMIC_FETCH)
                    && (!options.has(Feature.ATOMICS) || rnd.nextBoolean()));
            Reg src = fetch && op != AtomicOp.CMPXCHG ? writableReg() : anyReg();
            fixed(new Instruction.Atomic(size, op, fetch ? Instruction.Fetch.FETCH : Instruction.Fetch.NO_FETCH,
                    Reg.R10, src, stackOffset(size)));
        }

        /**
         * {@code rP = r10; rP += -8k; <load or store at rP + off>; rP = imm}: the access lands in
         * the stack area, aligned, and rP holds a number again afterwards.
         */
        private void pointerAccess() {
            Reg p = writableReg();
            int base = -8 * (1 + rnd.nextInt(stackSlots));
            fixed(new Instruction.Alu(Width.W64, AluOp.MOV, p, Reg.R10));
            fixed(new Instruction.Alu(Width.W64, AluOp.ADD, p, new Imm(base)));
            Size size = pick(Size.values());
            int offset = stackOffset(size) - base;
            boolean load = options.has(Feature.STACK_LOADS) && (!options.has(Feature.STACK_STORES) || rnd.nextBoolean());
            if (load) {
                Reg dst = writableReg();
                Instruction.Extension ext = size != Size.DW && options.has(Feature.SIGN_EXTENDING_LOADS) && rnd.nextBoolean()
                        ? Instruction.Extension.SIGN : Instruction.Extension.ZERO;
                fixed(new Instruction.Load(size, ext, dst, p, offset));
                if (dst == p) {
                    return; // the load replaced the address with a number already
                }
            } else if (rnd.nextBoolean()) {
                fixed(new Instruction.StoreImm(size, p, offset, interestingInt()));
            } else {
                Reg src;
                do {
                    src = anyReg();
                } while (src == p); // storing the address itself would leak it into the stack area
                fixed(new Instruction.StoreReg(size, p, src, offset));
            }
            fixed(new Instruction.Alu(Width.W64, AluOp.MOV, p, new Imm(interestingInt())));
        }

        /** An offset from r10 inside the stack area, aligned to {@code size}. */
        private int stackOffset(Size size) {
            int bytes = 8 * stackSlots;
            return -bytes + size.bytes() * rnd.nextInt(bytes / size.bytes());
        }

        private Reg anyReg() {
            return Reg.of(rnd.nextInt(ExitState.REGISTERS));
        }

        /** A register the body may write: any of r0-r9 but the counters of the enclosing loops. */
        private Reg writableReg() {
            while (true) {
                int r = rnd.nextInt(ExitState.REGISTERS);
                if (!counter[r]) {
                    return Reg.of(r);
                }
            }
        }

        private boolean freeCounter() {
            int reserved = 0;
            for (boolean b : counter) {
                reserved += b ? 1 : 0;
            }
            // Keep at least three registers for the body to compute with.
            boolean someCalleeSaved = !(counter[6] && counter[7] && counter[8] && counter[9]);
            return reserved < ExitState.REGISTERS - 3 && (!callsPossible() || someCalleeSaved);
        }

        /** With calls about, counters live in r6-r9, which calls preserve (r0-r5 they clobber). */
        private Reg pickCounter() {
            if (!callsPossible()) {
                return writableReg();
            }
            while (true) {
                int r = 6 + rnd.nextInt(4);
                if (!counter[r]) {
                    return Reg.of(r);
                }
            }
        }

        private boolean callsPossible() {
            return functionLabel.length > 1;
        }

        private static final int[] EDGE_INTS = {
            0, 1, -1, 2, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
            0x10000, 0x7fff_ffff, 0x8000_0000, 0x8000_0001, 0xffff_fffe, -128, -129, -32768, -32769
        };

        private int interestingInt() {
            return switch (rnd.nextInt(4)) {
                case 0 -> EDGE_INTS[rnd.nextInt(EDGE_INTS.length)];
                case 1 -> rnd.nextInt(-64, 65);
                default -> rnd.nextInt();
            };
        }

        private int nonZeroInt() {
            int v;
            do {
                v = interestingInt();
            } while (v == 0);
            return v;
        }

        private long interestingLong() {
            return switch (rnd.nextInt(5)) {
                case 0 -> pick(new long[] {Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1, 0xffff_ffffL,
                    0x1_0000_0000L, 0x8000_0000L, 0xffff_ffff_8000_0000L, 0x7fff_ffff_ffffL});
                case 1 -> interestingInt();
                case 2 -> (long) rnd.nextInt() << 32;
                default -> rnd.nextLong();
            };
        }

        private <T> T pick(T[] values) {
            return values[rnd.nextInt(values.length)];
        }

        private int pick(int[] values) {
            return values[rnd.nextInt(values.length)];
        }

        private long pick(long[] values) {
            return values[rnd.nextInt(values.length)];
        }

        private int newLabel() {
            return labels++;
        }

        private void fixed(Instruction insn) {
            items.add(new Fixed(insn));
            emitted++;
        }

        private void jump(int label, IntFunction<Instruction> make) {
            items.add(new JumpTo(label, make));
            emitted++;
        }

        private void bind(int label) {
            items.add(new Bind(label));
        }

        /** Gives each label the pc of the instruction after it and builds the jumps with their offsets. */
        List<Instruction> resolve() {
            int[] labelPc = new int[labels];
            int pc = 0;
            for (Item item : items) {
                switch (item) {
                    case Fixed f -> pc += f.insn().slots();
                    case JumpTo j -> pc += 1;
                    case Bind b -> labelPc[b.label()] = pc;
                }
            }
            List<Instruction> out = new ArrayList<>();
            pc = 0;
            for (Item item : items) {
                switch (item) {
                    case Fixed f -> {
                        out.add(f.insn());
                        pc += f.insn().slots();
                    }
                    case JumpTo j -> {
                        out.add(j.make().apply(labelPc[j.label()] - (pc + 1)));
                        pc += 1;
                    }
                    case Bind b -> { }
                }
            }
            return out;
        }
    }
}
