package dev.warden.jit;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Operand;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import dev.warden.isa.cfg.BasicBlock;
import dev.warden.isa.cfg.ControlFlowGraph;
import dev.warden.vm.Fault;
import dev.warden.vm.Helper;
import dev.warden.vm.Helpers;
import dev.warden.vm.Memory;
import dev.warden.vm.ProgramRefusedException;
import java.lang.classfile.ClassBuilder;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.attribute.StackMapFrameInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.SimpleVerificationTypeInfo;
import java.lang.classfile.attribute.StackMapFrameInfo.VerificationTypeInfo;
import java.lang.classfile.attribute.StackMapTableAttribute;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Translates a program into one class file whose class extends {@link JitCode}.
 *
 * <p><b>Shape.</b> eBPF registers are JVM {@code long} locals. Each eBPF function (pc 0 and each
 * local call target) becomes an instance method {@code f<entry>(r0, ..., r10)} returning r0; a
 * local call passes the caller's r0-r9 and the new frame's r10 (the interpreter's callee sees
 * the caller's registers), and reads back the callee's r1-r5 from fields (the interpreter does
 * not restore them). A function too large for one method is split into chunk methods
 * {@code c<entry>_<k>(long[] regs, int entryPc)} that return the next pc (-1 on exit), driven by
 * a dispatch loop in {@code f<entry>}; registers cross chunk boundaries in {@code regs}. A polled
 * function with a loop runs so too, to poll outside its loops (see {@link FunctionLayout.BackEdges}),
 * with a loop-free copy {@code r<entry>} where a back edge enters the middle of a loop.
 *
 * <p><b>Budget.</b> A local holds the instructions left; each segment (a basic block, or part
 * of one cut by a chunk boundary) subtracts its length where it starts. Before each instruction
 * that the interpreter could observe being executed (one that writes memory, calls, may fault,
 * exits, and the segment's last), one compare checks that the budget covered it; if not, a cold
 * stub works out, from the budget left, the exact instruction at which the interpreter ran out
 * and faults there. Instructions in between only write registers, which a fault discards, so the
 * JIT stops with the interpreter's fault, at its pc, with the same memory. A segment's end check
 * is left out where its successors' first checks can stand in for it (see
 * {@link BudgetPlan}).
 *
 * <p><b>Constants.</b> Helpers, the helper table and the static faults are class data held in
 * static final fields, so HotSpot sees them as constants and inlines the helper. Numeric
 * constants use the constant pool up to a limit that leaves room for every method and field
 * reference the class needs (counted before emitting), then are built from short pushes.
 */
final class Translator {
    /** Bytecode of a block's budget update, counted by {@link #estimate} users. */
    static final int BLOCK_COST = 10;

    private static final ClassDesc CD_JIT_CODE = ClassDesc.of(JitCode.class.getName());
    private static final ClassDesc CD_MEMORY = ClassDesc.of(Memory.class.getName());
    private static final ClassDesc CD_HELPER = ClassDesc.of(Helper.class.getName());
    private static final ClassDesc CD_HELPERS = ClassDesc.of(Helpers.class.getName());
    private static final ClassDesc CD_FUNCTION_RETURN = ClassDesc.of(dev.warden.vm.FunctionReturn.class.getName());
    private static final ClassDesc CD_VM_FAULT = ClassDesc.of("dev.warden.vm.VmFault");
    private static final ClassDesc CD_LONG_ARRAY = CD_long.arrayType();
    private static final ClassDesc CD_INT_ARRAY = CD_int.arrayType();
    private static final ClassDesc CD_LONG_BOX = ClassDesc.of("java.lang.Long");
    private static final ClassDesc CD_INTEGER = ClassDesc.of("java.lang.Integer");
    private static final ClassDesc CD_SHORT = ClassDesc.of("java.lang.Short");

    private static final MethodTypeDesc MT_FUNCTION = MethodTypeDesc.of(CD_long,
            CD_long, CD_long, CD_long, CD_long, CD_long, CD_long, CD_long, CD_long, CD_long, CD_long, CD_long);
    private static final MethodTypeDesc MT_CHUNK = MethodTypeDesc.of(CD_int, CD_LONG_ARRAY, CD_int);
    private static final MethodTypeDesc MT_LOAD = MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_int);
    private static final MethodTypeDesc MT_STORE = MethodTypeDesc.of(CD_void, CD_long, CD_long, CD_long, CD_int);
    private static final MethodTypeDesc MT_RAW_LOAD = MethodTypeDesc.of(CD_long, CD_long);
    private static final MethodTypeDesc MT_RAW_STORE = MethodTypeDesc.of(CD_void, CD_long, CD_long);
    private static final MethodTypeDesc MT_JJ_J = MethodTypeDesc.of(CD_long, CD_long, CD_long);
    private static final MethodTypeDesc MT_JJ_I = MethodTypeDesc.of(CD_int, CD_long, CD_long);
    private static final MethodTypeDesc MT_II_I = MethodTypeDesc.of(CD_int, CD_int, CD_int);
    private static final MethodTypeDesc MT_REFILL = MethodTypeDesc.of(CD_long, CD_long, CD_long);
    private static final MethodTypeDesc MT_POLL_REFILL = MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_int);
    private static final MethodTypeDesc MT_III_I = MethodTypeDesc.of(CD_int, CD_int, CD_int, CD_int);
    private static final MethodTypeDesc MT_IIII_I = MethodTypeDesc.of(CD_int, CD_int, CD_int, CD_int, CD_int);
    private static final MethodTypeDesc MT_I_J = MethodTypeDesc.of(CD_long, CD_int);
    private static final MethodTypeDesc MT_ATOMIC = MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_int);
    private static final MethodTypeDesc MT_CMPXCHG = MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_long, CD_int);
    private static final MethodTypeDesc MT_HELPER = MethodTypeDesc.of(CD_long,
            CD_MEMORY, CD_int, CD_long, CD_long, CD_long, CD_long, CD_long);
    private static final MethodTypeDesc MT_HELPERS_CALL = MethodTypeDesc.of(CD_long,
            CD_long, CD_MEMORY, CD_int, CD_long, CD_long, CD_long, CD_long, CD_long);
    private static final MethodTypeDesc MT_BUDGET_FAULT = MethodTypeDesc.of(CD_VM_FAULT, CD_int);
    private static final MethodTypeDesc MT_PACKET = MethodTypeDesc.of(CD_long, CD_long, CD_int, CD_int);
    private static final MethodTypeDesc MT_CHUNK_INDEX = MethodTypeDesc.of(CD_int, CD_INT_ARRAY, CD_int);
    private static final ClassDesc CD_FAULT_TABLE = ClassDesc.of(FaultTable.class.getName());
    private static final MethodTypeDesc MT_RAISE = MethodTypeDesc.of(CD_VM_FAULT, CD_int);

    /** Entries of a class file's constant pool (indexes are 16-bit; entry 0 is unused). */
    private static final int CONSTANT_POOL_SIZE = 65_535;
    /** Pool entries for the fixed references every class makes (JitCode, Memory, JDK methods), with room to spare. */
    private static final int FIXED_REFERENCES = 1_024;
    /** The most methods and fields one class gets: each costs three pool entries, and numbers need room too. */
    static final int MAX_MEMBERS = 18_000;

    private final Program program;
    private final Helpers helpers;
    private final CheckElision elision;
    /** The heap and the accesses confined to it: a confined access gets the guard unless elided. */
    private final dev.warden.vm.HeapSandbox sandbox;
    private final dev.warden.vm.Cancellation cancellation;
    private final ClassDesc self;
    private final ControlFlowGraph graph;
    /** By function entry: its registers' liveness ({@link RegisterLiveness}), for the stubs that leave a method. */
    private final Map<Integer, int[]> liveness = new HashMap<>();
    /** By function entry: its {@link #marginChecks}. */
    private final Map<Integer, int[]> marginChecks = new HashMap<>();
    private final List<FunctionLayout> functions;
    private final boolean entryIsCalled;
    /** Whether the program loads a function's address, so that a helper may call back into it. */
    private final boolean takesFunctionAddresses;
    /** Class data: 0 is the helper table, 1 the static faults; then helpers and chunk-start arrays as first used. */
    private final List<Object> classData = new ArrayList<>();
    private final List<ClassDesc> classDataTypes = new ArrayList<>();
    private final Map<Object, Integer> classDataIndex = new IdentityHashMap<>();
    private final FaultTable faults = new FaultTable();
    /** Numeric constants go to the pool while it has fewer entries than this. */
    private final int poolLimit;

    /**
     * Lays out every function of {@code graph} and counts the class's members.
     *
     * @throws ProgramRefusedException if the class would need more methods and fields than
     *     {@link #MAX_MEMBERS}
     */
    Translator(ControlFlowGraph graph, Helpers helpers, CheckElision elision, dev.warden.vm.HeapSandbox sandbox,
               dev.warden.vm.Cancellation cancellation, ClassDesc self, double scale) {
        this.program = graph.program();
        this.sandbox = sandbox;
        this.cancellation = cancellation;
        this.helpers = helpers;
        this.elision = elision;
        this.self = self;
        this.graph = graph;
        this.functions = FunctionLayout.functions(graph, scale, cancellation);
        this.entryIsCalled = graph.callSites().stream().anyMatch(cs -> cs.target() == 0);
        this.takesFunctionAddresses = program.instructions().stream()
                .anyMatch(i -> i instanceof Instruction.LoadImm64 l && l.pseudo() == dev.warden.isa.Pseudo.FUNC);
        classData(helpers, CD_HELPERS);
        classData(faults, CD_FAULT_TABLE);

        // Every method and field costs a name, a name-and-type and a reference in the pool.
        int methods = 3; // <init>, run, <clinit>
        int chunked = 0;
        for (FunctionLayout f : functions) {
            methods += f.methods();
            chunked += f.chunked() ? 1 : 0;
        }
        int fields = 2 + chunked + helpersCalled(graph);
        int members = methods + fields;
        if (members > MAX_MEMBERS) {
            throw new ProgramRefusedException("the JIT would need " + methods + " methods (" + functions.size()
                    + " functions) and " + fields + " fields in one class; it compiles at most " + MAX_MEMBERS
                    + " (each takes constant-pool entries, of which a class has 65,535)");
        }
        this.poolLimit = CONSTANT_POOL_SIZE - FIXED_REFERENCES - 3 * members;
    }

    /** Distinct defined helpers the program's reachable code calls (each becomes a field). */
    private int helpersCalled(ControlFlowGraph graph) {
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        for (BasicBlock b : graph.blocks()) {
            for (int pc = b.first(); pc <= b.last(); pc += program.at(pc).slots()) {
                if (program.at(pc) instanceof Instruction.Call c && c.kind() == Instruction.CallKind.HELPER
                        && helpers.defines(c.imm())) {
                    ids.add(c.imm());
                }
            }
        }
        return ids.size();
    }

    /** The class data list the class expects (valid after {@link #build}). */
    List<Object> classData() {
        return classData;
    }

    /** Number of JVM methods each function became (1, or its chunks plus the dispatcher). */
    List<FunctionLayout> functions() {
        return functions;
    }

    byte[] build() {
        // Stack maps are written by hand (Frames): every branch target has the same simple
        // frame, and the JDK's generator would spend most of the compile time rediscovering it.
        return ClassFile.of(ClassFile.StackMapsOption.DROP_STACK_MAPS).build(self, cb -> {
            cb.withFlags(AccessFlag.FINAL, AccessFlag.SUPER);
            cb.withSuperclass(CD_JIT_CODE);
            cb.withMethodBody(ConstantDescs.INIT_NAME, MethodTypeDesc.of(CD_void, CD_MEMORY), ClassFile.ACC_PUBLIC, c -> c
                    .aload(0).aload(1)
                    .invokespecial(CD_JIT_CODE, ConstantDescs.INIT_NAME, MethodTypeDesc.of(CD_void, CD_MEMORY))
                    .return_());
            // run(r1, r2, r3, r4, r5, r10): r0 and r6-r9 start at 0.
            cb.withMethodBody("run", MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_long, CD_long, CD_long, CD_long),
                    ClassFile.ACC_PUBLIC, c -> {
                c.aload(0).lconst_0();
                for (int r = 1; r <= 5; r++) {
                    c.lload(2 * r - 1);
                }
                for (int r = 6; r <= 9; r++) {
                    c.lconst_0();
                }
                c.lload(11).invokevirtual(self, functionName(0), MT_FUNCTION).lreturn();
            });
            for (FunctionLayout f : functions) {
                if (f.chunked()) {
                    if (f.chunks() == 1 && f.hasCopy()) {
                        // A polled loop with a copy: the function runs in its own method until it
                        // leaves to poll; the dispatcher then lives in that method's cold tail.
                        // (Without a copy the chunk under a dispatcher was as fast or faster:
                        // fnv1a polled ran 1.04 times as long as unpolled so, 1.16 in its own method.)
                        cb.withMethodBody(functionName(f.entry), MT_FUNCTION, ClassFile.ACC_PRIVATE,
                                c -> new MethodEmitter(c, f, -1).emit());
                    } else {
                        emitDispatcher(cb, f);
                    }
                    for (int k = 0; k < f.chunks(); k++) {
                        int chunk = k;
                        cb.withMethodBody(chunkName(f.entry, k), MT_CHUNK, ClassFile.ACC_PRIVATE,
                                c -> new MethodEmitter(c, f, chunk).emit());
                    }
                    if (f.hasCopy()) {
                        cb.withMethodBody(copyName(f.entry), MT_CHUNK, ClassFile.ACC_PRIVATE,
                                c -> new MethodEmitter(c, f, f.chunks()).emit());
                    }
                } else {
                    cb.withMethodBody(functionName(f.entry), MT_FUNCTION, ClassFile.ACC_PRIVATE,
                            c -> new MethodEmitter(c, f, -1).emit());
                }
            }
            emitClassData(cb); // last: the methods above added the class data they use
        });
    }

    private static String functionName(int entry) {
        return "f" + entry;
    }

    private static String chunkName(int entry, int k) {
        return "c" + entry + "_" + k;
    }

    /** The loop-free copy of a function that a polled run resumes in (FunctionLayout#copyEntries). */
    private static String copyName(int entry) {
        return "r" + entry;
    }

    /** Index of {@code o} in the class data, added (with its field type) if new. */
    private int classData(Object o, ClassDesc type) {
        return classDataIndex.computeIfAbsent(o, x -> {
            classData.add(x);
            classDataTypes.add(type);
            return classData.size() - 1;
        });
    }

    /** Pushes class data {@code index}: a static final field, which HotSpot treats as a constant. */
    private void loadClassData(CodeBuilder c, int index) {
        c.getstatic(self, "k" + index, classDataTypes.get(index));
    }

    /**
     * The static final fields {@code k<i>} holding the class data, and the class initialiser
     * that fills them from {@link JitCode#pendingClassData} and makes the one instance over the
     * {@link Memory} that follows the class data (handed back through {@link JitCode#deliver}).
     * No method handle or dynamic constant is made per class: loading stays cheap, which the
     * differential test's 100,000 classes per run need.
     */
    private void emitClassData(ClassBuilder cb) {
        for (int i = 0; i < classData.size(); i++) {
            cb.withField("k" + i, classDataTypes.get(i), ClassFile.ACC_PRIVATE | ClassFile.ACC_STATIC | ClassFile.ACC_FINAL);
        }
        ClassDesc objects = ConstantDescs.CD_Object.arrayType();
        cb.withMethodBody(ConstantDescs.CLASS_INIT_NAME, MethodTypeDesc.of(CD_void), ClassFile.ACC_STATIC, c -> {
            c.invokestatic(CD_JIT_CODE, "pendingClassData", MethodTypeDesc.of(objects)).astore(0);
            for (int i = 0; i < classData.size(); i++) {
                c.aload(0);
                pushInt(c, i);
                c.aaload().checkcast(classDataTypes.get(i)).putstatic(self, "k" + i, classDataTypes.get(i));
            }
            c.new_(self).dup().aload(0);
            pushInt(c, classData.size());
            c.aaload().checkcast(CD_MEMORY)
                    .invokespecial(self, ConstantDescs.INIT_NAME, MethodTypeDesc.of(CD_void, CD_MEMORY))
                    .invokestatic(CD_JIT_CODE, "deliver", MethodTypeDesc.of(CD_void, CD_JIT_CODE))
                    .return_();
        });
    }

    /** Chunks one dispatch method calls directly; more go through a second level. */
    static final int FAN_OUT = 256;

    /**
     * The dispatcher of a chunked function: keeps the registers in a {@code long[]}, finds the
     * chunk holding the next pc (binary search over the chunks' first pcs), calls it, and loops
     * until a chunk reports an exit. Over {@link #FAN_OUT} chunks, it calls second-level
     * dispatchers of {@code FAN_OUT} chunks each, so that no dispatcher outgrows what HotSpot
     * compiles.
     */
    private void emitDispatcher(ClassBuilder cb, FunctionLayout f) {
        int[] starts = new int[f.chunks()];
        for (int k = 0; k < starts.length; k++) {
            starts[k] = f.pcs[f.chunkBounds[k]];
        }
        int startsIndex = classData(starts, CD_INT_ARRAY);
        int chunks = starts.length;
        boolean twoLevel = chunks > FAN_OUT;
        MethodTypeDesc mtGroup = MethodTypeDesc.of(CD_int, CD_LONG_ARRAY, CD_int, CD_int);
        if (twoLevel) {
            for (int g = 0; g * FAN_OUT < chunks; g++) {
                int first = g * FAN_OUT;
                int last = Math.min(chunks, first + FAN_OUT) - 1;
                cb.withMethodBody("d" + f.entry + "_" + g, mtGroup, ClassFile.ACC_PRIVATE, c -> {
                    // (regs, pc, k) -> the next pc
                    Frames fr = new Frames(c, List.of(object(self), object(CD_LONG_ARRAY), INT, INT));
                    List<SwitchCase> cases = new ArrayList<>();
                    List<Label> labels = new ArrayList<>();
                    for (int k = first; k <= last; k++) {
                        Label l = c.newLabel();
                        labels.add(l);
                        cases.add(SwitchCase.of(k, l));
                    }
                    Label bad = c.newLabel();
                    c.iload(3).tableswitch(first, last, bad, cases);
                    for (int k = first; k <= last; k++) {
                        fr.place(labels.get(k - first));
                        c.aload(0).aload(1).iload(2).invokevirtual(self, chunkName(f.entry, k), MT_CHUNK).ireturn();
                    }
                    fr.place(bad);
                    throwIllegalState(c);
                    fr.write();
                });
            }
        }
        cb.withMethodBody(functionName(f.entry), MT_FUNCTION, ClassFile.ACC_PRIVATE, c -> {
            int regs = 23;
            int pc = 24;
            int k = 25;
            c.bipush(11).newarray(java.lang.classfile.TypeKind.LONG).astore(regs);
            for (int r = 0; r <= 10; r++) {
                c.aload(regs).bipush(r).lload(1 + 2 * r).lastore();
            }
            pushInt(c, f.entry);
            c.istore(pc);
            Label loop = c.newLabel();
            Label done = c.newLabel();
            Label inCopy = c.newLabel();
            Label bad = c.newLabel();
            List<VerificationTypeInfo> base = new ArrayList<>(functionLocals());
            base.add(object(CD_LONG_ARRAY));
            base.add(INT);
            Frames atLoop = new Frames(c, base);
            List<VerificationTypeInfo> withK = new ArrayList<>(base);
            withK.add(INT);
            Frames fr = new Frames(c, withK);
            atLoop.place(loop);
            loadClassData(c, startsIndex);
            c.iload(pc)
                    .invokestatic(CD_JIT_CODE, "chunkIndex", MT_CHUNK_INDEX).istore(k);
            int targets = twoLevel ? (chunks + FAN_OUT - 1) / FAN_OUT : chunks;
            List<SwitchCase> cases = new ArrayList<>();
            List<Label> labels = new ArrayList<>();
            for (int t = 0; t < targets; t++) {
                Label l = c.newLabel();
                labels.add(l);
                cases.add(SwitchCase.of(t, l));
            }
            c.iload(k);
            if (twoLevel) {
                pushInt(c, Integer.numberOfTrailingZeros(FAN_OUT));
                c.iushr();
            }
            c.tableswitch(0, targets - 1, bad, cases);
            for (int t = 0; t < targets; t++) {
                fr.place(labels.get(t));
                c.aload(0).aload(regs).iload(pc);
                if (twoLevel) {
                    c.iload(k).invokevirtual(self, "d" + f.entry + "_" + t, mtGroup);
                } else {
                    c.invokevirtual(self, chunkName(f.entry, t), MT_CHUNK);
                }
                c.istore(pc).iload(pc).ifge(loop);
                c.goto_(f.hasCopy() ? inCopy : done);
            }
            if (f.hasCopy()) {
                // A pc below -1 (-2 - p) resumes in the loop-free copy at p, which returns as a chunk does.
                fr.place(inCopy);
                c.iload(pc).iconst_m1().if_icmpeq(done);
                c.aload(0).aload(regs).iload(pc).ineg().iconst_2().isub()
                        .invokevirtual(self, copyName(f.entry), MT_CHUNK).istore(pc);
                c.iload(pc).ifge(loop);
                c.goto_(inCopy);
            }
            fr.place(bad);
            throwIllegalState(c);
            fr.place(done);
            if (f.entry != 0 || entryIsCalled) {
                for (int r = 1; r <= 5; r++) {
                    c.aload(0).aload(regs).bipush(r).laload().putfield(CD_JIT_CODE, "x" + r, CD_long);
                }
            }
            c.aload(regs).iconst_0().laload().lreturn();
            atLoop.merge(fr).write();
        });
    }

    /** An internal error: a dispatch reached a pc no chunk starts at. */
    private static void throwIllegalState(CodeBuilder c) {
        ClassDesc ise = ClassDesc.of("java.lang.IllegalStateException");
        c.new_(ise).dup().invokespecial(ise, ConstantDescs.INIT_NAME, MethodTypeDesc.of(CD_void)).athrow();
    }

    // ---------------------------------------------------------------- stack maps

    private static final VerificationTypeInfo LONG = SimpleVerificationTypeInfo.LONG;
    private static final VerificationTypeInfo INT = SimpleVerificationTypeInfo.INTEGER;

    private static VerificationTypeInfo object(ClassDesc type) {
        return StackMapFrameInfo.ObjectVerificationTypeInfo.of(type);
    }

    /** [this, r0..r10]: the locals of a function method on entry. */
    private List<VerificationTypeInfo> functionLocals() {
        List<VerificationTypeInfo> l = new ArrayList<>();
        l.add(object(self));
        for (int r = 0; r <= 10; r++) {
            l.add(LONG);
        }
        return l;
    }

    /**
     * The stack map of one method, built as labels are placed: each placed label gets a frame
     * with this object's locals and an empty stack (the translator never branches with values
     * on the operand stack). A long counts once here, as the StackMapTable writes it.
     */
    private static final class Frames {
        private final CodeBuilder c;
        private final List<VerificationTypeInfo> locals;
        private final List<StackMapFrameInfo> frames = new ArrayList<>();

        Frames(CodeBuilder c, List<VerificationTypeInfo> locals) {
            this.c = c;
            this.locals = List.copyOf(locals);
        }

        void place(Label l) {
            c.labelBinding(l);
            frames.add(StackMapFrameInfo.of(l, locals, List.of()));
        }

        /** Binds {@code l} as the handler of {@code exception}: the usual locals, the exception on the stack. */
        void placeHandler(Label l, ClassDesc exception) {
            c.labelBinding(l);
            frames.add(StackMapFrameInfo.of(l, locals, List.of(StackMapFrameInfo.ObjectVerificationTypeInfo.of(exception))));
        }

        /** This stack map plus the frames of {@code other} (same method, other locals). */
        Frames merge(Frames other) {
            frames.addAll(other.frames);
            return this;
        }

        void write() {
            if (!frames.isEmpty()) {
                c.with(StackMapTableAttribute.of(frames));
            }
        }
    }

    // ---------------------------------------------------------------- size estimates

    /**
     * About the bytecode one instruction becomes, used to cut chunks. An estimate: the compiler
     * checks the real method sizes and recompiles with smaller chunks if one is too large.
     */
    static int estimate(Instruction insn) {
        // Instructions the interpreter could observe also get a budget check (about 8 bytes) and
        // its cold stub (about 20).
        int check = 28;
        return switch (insn) {
            case Instruction.Alu a -> 12;
            case Instruction.Endian e -> 10;
            case Instruction.Jump j -> 30 + check; // compare and branch; a leave stub now and then
            case Instruction.Goto g -> 20 + check;
            case Instruction.Call c -> 80 + check;
            case Instruction.CallX x -> 30 + check;
            case Instruction.Exit e -> 40 + check;
            case Instruction.LoadImm64 l -> 8;
            case Instruction.Load l -> 18 + check;
            case Instruction.StoreImm s -> 20 + check;
            case Instruction.StoreReg s -> 20 + check;
            case Instruction.Atomic a -> 22 + check;
            case Instruction.PacketLoad p -> 20 + check;
        };
    }

    /** Whether the instruction reads or writes memory (each access is many C2 nodes once inlined). */
    static boolean isMemoryAccess(Instruction insn) {
        return switch (insn) {
            case Instruction.Load l -> true;
            case Instruction.StoreImm s -> true;
            case Instruction.StoreReg s -> true;
            case Instruction.Atomic a -> true;
            default -> false;
        };
    }

    /**
     * Whether the interpreter's execution of this instruction could be observed: it writes
     * memory, calls, exits, or may fault. A load whose check is elided does none of these.
     */
    private boolean observable(int pc, Instruction insn) {
        return switch (insn) {
            case Instruction.Load l -> !unchecked(pc, l.src(), l.offset(), l.size().bytes());
            case Instruction.Alu a -> false;
            case Instruction.Endian e -> false;
            case Instruction.LoadImm64 l -> false;
            case Instruction.Jump j -> false; // last of its segment: checked as such
            case Instruction.Goto g -> false;
            case Instruction.StoreImm st -> true;
            case Instruction.StoreReg st -> true;
            case Instruction.Atomic a -> true;
            case Instruction.Call call -> true;
            case Instruction.CallX x -> true;
            case Instruction.Exit e -> true;
            case Instruction.PacketLoad p -> true;
        };
    }

    /** Whether {@code base + offset} is provably inside the current frame, or the verifier says so. */
    private boolean unchecked(int pc, Reg base, int offset, int bytes) {
        boolean inFrame = base == Reg.R10 && offset >= -Memory.STACK_SIZE && offset <= -bytes;
        return inFrame || elision.provedSafe(pc);
    }

    /**
     * Whether the budget is checked before the instruction at {@code pc} in any plan: it may be
     * observed or fault, or a polled run may poll there ({@link #polls}).
     */
    private boolean checked(FunctionLayout f, boolean copy, int pc, Instruction insn) {
        return StaticFaults.of(pc, insn, helpers, program).isPresent() || observable(pc, insn)
                || cancellation == dev.warden.vm.Cancellation.POLLED && polls(f, copy, pc, insn);
    }

    /**
     * Whether a polled run may poll before the instruction at {@code pc} of {@code f} (in its
     * copy, or not): a cancellation point, except a back edge outside the copy of a function with
     * one, whose loop heads' margin checks poll for it ({@link #marginChecks}).
     */
    private boolean polls(FunctionLayout f, boolean copy, int pc, Instruction insn) {
        boolean jump = insn instanceof Instruction.Jump || insn instanceof Instruction.Goto;
        return MethodEmitter.cancellationPoint(pc, insn) && (copy || !jump || !f.hasCopy());
    }

    /**
     * In a polled function with a loop-free copy, outside the copy: the first check of each loop
     * head's segment (its first instruction that is {@link #checked}, else its last), ascending.
     * Each asks a margin more than its instruction needs, and when the slice falls below that,
     * the run leaves for the copy there ({@code Ask.TO_COPY}), which polls at its first back edge
     * (by pc) and leaves for the dispatcher at the next loop head. Every iteration of a loop
     * passes one, and it is a check the loop makes anyway (the state machine's load of its next
     * byte), so the loop pays only a larger constant, where the back edges' checks with their
     * margin could not be dropped (the state machine has a dozen).
     */
    private int[] marginChecks(FunctionLayout f) {
        return marginChecks.computeIfAbsent(f.entry, e -> {
            java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
            for (int i = 0; i < f.pcs.length; i++) {
                if (f.segmentLength[i] == 0 || !f.isLoopHead(f.pcs[i])) {
                    continue;
                }
                int end = i + f.segmentLength[i] - 1;
                int k = i;
                while (k < end && !checked(f, false, f.pcs[k], program.at(f.pcs[k]))) {
                    k++;
                }
                out.add(f.pcs[k]);
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        });
    }

    /** Where a polled run enters the copy of {@code f}: after a back edge into the middle of a loop, or at a margin check. */
    private int[] copyEntries(FunctionLayout f) {
        java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
        for (int pc : f.copyEntries) {
            out.add(pc);
        }
        for (int pc : marginChecks(f)) {
            out.add(pc);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    // ---------------------------------------------------------------- one method

    /** Local slots a method's budget stubs and local calls use as scratch ({@code MethodEmitter#tmp}). */
    private static final int TMP_SLOTS = 4;

    /** What a budget check asks of the budget: the instruction's own need, or a back edge's margin more. */
    private enum Ask {
        EXACT,
        WITH_MARGIN,
        /**
         * The first check of a loop head's segment in a function with a copy ({@link
         * Translator#marginChecks}): a margin more, and when the slice falls below it (but covers
         * the instruction), the run leaves for the copy at this instruction.
         */
        TO_COPY
    }

    /** Emits one function (chunk = -1) or one chunk of a chunked function. */
    private final class MethodEmitter {
        private final CodeBuilder c;
        private final FunctionLayout f;
        private final int chunk;
        private final boolean chunkMode;
        /** Whether this is the function's loop-free copy (chunk index {@code f.chunks()}). */
        private final boolean copy;
        private final int regBase;
        private final int budget;
        /** The id of the last {@link EndCheck#ORIGIN} segment that ended (0 before any). */
        private final int origin;
        private final int tmp;
        /** The pc the {@link #dispatchTail} continues at (then the registers' array). */
        private final int tailPc;
        private final Label tail;
        private final int regsArray = 1;
        private final Map<Integer, Label> labels = new HashMap<>();
        private final List<Runnable> stubs = new ArrayList<>();
        /** The indexes (into {@code f.pcs}) this method holds: {@code lo..hi-1}. */
        private final int lo;
        private final int hi;
        private final Frames frames;
        /** The budget plan of this method's segments (see {@link #planBudget}). */
        private BudgetPlan plan;
        /** Instructions of the current segment after the one being emitted (charged already, not yet run). */
        private int segmentRest;

        MethodEmitter(CodeBuilder c, FunctionLayout f, int chunk) {
            this.c = c;
            this.f = f;
            this.chunk = chunk;
            this.chunkMode = chunk >= 0;
            this.copy = chunk >= 0 && chunk == f.chunks();
            this.regBase = chunkMode ? 3 : 1;
            this.budget = regBase + 22;
            this.origin = budget + 2;
            this.tmp = origin + 1; // four ints for budget stubs, or one long around a local call
            this.tailPc = tmp + TMP_SLOTS;
            this.tail = c.newLabel();
            this.lo = chunkMode && !copy ? f.chunkBounds[chunk] : 0;
            this.hi = chunkMode && !copy ? f.chunkBounds[chunk + 1] : f.pcs.length;
            // At every label: the parameters, r0-r10 and the budget; tmp is dead there.
            List<VerificationTypeInfo> locals = new ArrayList<>();
            locals.add(object(self));
            if (chunkMode) {
                locals.add(object(CD_LONG_ARRAY));
                locals.add(INT);
            }
            for (int r = 0; r <= 11; r++) {
                locals.add(LONG);
            }
            locals.add(INT); // origin
            this.frames = new Frames(c, locals);
        }

        private int reg(Reg r) {
            return regBase + 2 * r.number();
        }

        private boolean inThisMethod(int pc) {
            int i = f.indexOf(pc);
            return i >= 0 && (!chunkMode || copy || f.chunkOf(i) == chunk);
        }

        private Label label(int pc) {
            return labels.computeIfAbsent(pc, p -> c.newLabel());
        }

        void emit() {
            if (chunkMode) {
                for (int r = 0; r <= 10; r++) {
                    c.aload(regsArray);
                    pushInt(c, r);
                    c.laload().lstore(regBase + 2 * r);
                }
            }
            c.aload(0).getfield(CD_JIT_CODE, "budget", CD_long).lstore(budget);
            c.iconst_0().istore(origin);
            if (chunkMode) {
                int[] entries = copy ? copyEntries(f) : f.chunkEntries.get(chunk);
                List<SwitchCase> cases = new ArrayList<>();
                for (int e : entries) {
                    cases.add(SwitchCase.of(e, label(e)));
                }
                Label bad = c.newLabel();
                c.iload(2).lookupswitch(bad, cases);
                stubs.add(() -> {
                    frames.place(bad);
                    throwIllegalState(c);
                });
            } else if (f.pcs[lo] != f.entry) {
                c.goto_(label(f.entry));
            }
            // Control enters a method only at segment starts, and a segment's instructions are
            // consecutive here, so the segment of index i is the last one started.
            plan = planBudget();
            int segStart = lo;
            int segLen = 0;
            int lastCheck = -1;
            for (int i = lo; i < hi; i++) {
                int pc = f.pcs[i];
                Instruction insn = program.at(pc);
                frames.place(label(pc));
                if (f.segmentLength[i] > 0) {
                    segStart = i;
                    segLen = f.segmentLength[i];
                    lastCheck = -1;
                    c.lload(budget);
                    pushLong(c, segLen);
                    c.lsub().lstore(budget);
                }
                int j = i - segStart;
                Optional<Fault> fault = StaticFaults.of(pc, insn, helpers, program);
                boolean last = j == segLen - 1;
                segmentRest = segLen - 1 - j;
                if (fault.isEmpty() && leavesAt(pc, insn)) {
                    leavingBackEdge(segStart, segLen, lastCheck, j, pc, insn);
                    lastCheck = j;
                    fallOnward(i, pc, insn);
                    continue;
                }

                if (last && plan.end(segStart) == BudgetPlan.EndCheck.CHECKED || plan.observable(i)) {
                    budgetCheck(segStart, segLen, lastCheck, j, toCopyAt(pc) ? Ask.TO_COPY : Ask.EXACT);
                    lastCheck = j;
                } else if (last && plan.end(segStart) == BudgetPlan.EndCheck.ORIGIN) {
                    pushInt(c, plan.originId(segStart));
                    c.istore(origin);
                }
                if (fault.isPresent()) {
                    throwFault(fault.get());
                    continue;
                }
                emitInstruction(pc, insn);
                fallOnward(i, pc, insn);
            }
            for (int i = 0; i < stubs.size(); i++) {
                stubs.get(i).run();
            }
            if (!chunkMode && f.chunked()) {
                frames.merge(dispatchTail()).write();
            } else {
                frames.write();
            }
        }

        /** After the instruction at index {@code i}: where its fall-through goes, if it has one. */
        private void fallOnward(int i, int pc, Instruction insn) {
            if (fallsThrough(insn)) {
                int next = pc + insn.slots();
                if (next >= program.slotCount()) {
                    fellOff();
                } else if (i + 1 >= hi || f.pcs[i + 1] != next || copy && f.isLoopHead(next)) {
                    // The next instruction lives in another chunk (or, from the copy, starts a loop).
                    c.goto_(jumpTarget(pc, next));
                }
            }
        }

        private boolean fallsThrough(Instruction insn) {
            return switch (insn) {
                case Instruction.Exit e -> false;
                case Instruction.Goto g -> false;
                default -> true;
            };
        }

        /** Throws a static fault: by its index in the program's {@link FaultTable}. */
        private void throwFault(Fault fault) {
            loadClassData(c, 1);
            pushInt(c, faults.indexOf(fault));
            c.invokevirtual(CD_FAULT_TABLE, "raise", MT_RAISE).athrow();
        }

        /**
         * Before instruction {@code j} of the segment of {@code segLen} instructions starting at
         * index {@code segStart}: the interpreter executes it only if the budget left when the
         * segment began, {@code budget + segLen} here, exceeds {@code j}. If not, the budget ran
         * out at instruction {@code left = budget + segLen}, which lies after the previous check
         * ({@code prevCheck}, which passed) and at most at {@code j}; everything between only
         * wrote registers. The cold stub computes that instruction's pc (a 64-bit load before it
         * takes two) and faults there.
         *
         * <p>At a segment's first check, {@code left} may also be negative: the budget ran out in
         * the unchecked tail of the predecessor whose end check the plan dropped (and so on up the
         * chain). The stub then walks the chain, with selects rather than branches (its locals
         * would not survive a stack-map frame), to the segment where {@code left} lands.
         */
        private void budgetCheck(int segStart, int segLen, int prevCheck, int j) {
            budgetCheck(segStart, segLen, prevCheck, j, Ask.EXACT);
        }

        /**
         * {@link #budgetCheck(int, int, int, int)}, or, {@link Ask#WITH_MARGIN} (a back edge that
         * leaves to poll, see {@link #leavingBackEdge}), a check that asks {@link #margin} more,
         * whose stub polls, refills and, the jump covered, runs it there.
         */
        private void budgetCheck(int segStart, int segLen, int prevCheck, int j, Ask kind) {
            Label stub = c.newLabel();
            long need = j - segLen + 1;
            long ask = kind == Ask.EXACT ? need : need + margin();
            c.lload(budget);
            pushLong(c, ask);
            c.lcmp().iflt(stub);
            Label resume = c.newLabel();
            if (polled()) {
                frames.place(resume);
            }
            int pc = f.pcs[segStart + j];
            int first = prevCheck + 1;
            // Only a segment's first check can find the budget short before the segment began.
            List<Integer> chain = prevCheck < 0 ? chainAbove(segStart) : List.of();
            int[] origins = prevCheck < 0 ? plan.originPreds(segStart) : new int[0];
            stubs.add(() -> {
                frames.place(stub);
                if (kind == Ask.WITH_MARGIN) {
                    c.aload(0).lload(budget);
                    pushLong(c, ask);
                    pushInt(c, pc);
                    c.invokevirtual(CD_JIT_CODE, "pollAndRefill", MT_POLL_REFILL).lstore(budget);
                    Label fault = c.newLabel();
                    c.lload(budget);
                    pushLong(c, need);
                    c.lcmp().iflt(fault);
                    Instruction edge = program.at(pc);
                    if (edge instanceof Instruction.Jump jmp) {
                        jump(pc, jmp, leaving(Program.targetOf(pc, jmp)));
                        int next = pc + 1;
                        // Past the end, the main path faults: resume runs the jump again (no effect but its branch).
                        c.goto_(next < program.slotCount() ? jumpTarget(pc, next) : resume);
                    } else {
                        c.goto_(leaving(Program.targetOf(pc, (Instruction.Goto) edge)));
                    }
                    frames.place(fault);
                } else if (kind == Ask.TO_COPY) {
                    Label low = c.newLabel();
                    c.lload(budget);
                    pushLong(c, need);
                    c.lcmp().iflt(low);
                    // The slice covers the instruction: go on in the copy, before this check.
                    if (j == 0) {
                        // The copy's segment start charges the segment again.
                        c.lload(budget);
                        pushLong(c, segLen);
                        c.ladd().lstore(budget);
                    }
                    leave(-2 - pc);
                    frames.place(low);
                    refill(pc, need, resume);
                } else if (polled()) {
                    refill(pc, need, resume);
                }
                int left = tmp;      // the budget this segment began with
                int at = tmp + 1;    // the pc found so far
                int walk = tmp + 2;  // the budget a predecessor began with
                int sub = tmp + 3;   // the pc found along one origin's chain
                c.aload(0);
                c.lload(budget).l2i();
                pushInt(c, segLen);
                c.iadd().istore(left);
                pcOf(segStart, first, j, left);
                c.istore(at);
                c.iload(left).istore(walk);
                walkChain(chain, walk, first, at);
                for (int p : origins) {
                    // Came from p (the origin local says so) and ran out before this segment.
                    c.iload(left);
                    pushInt(c, first);
                    c.iload(origin);
                    pushInt(c, plan.originId(p));
                    c.invokestatic(CD_JIT_CODE, "cameShort", MT_IIII_I);
                    c.iload(left);
                    pushInt(c, f.segmentLength[p]);
                    c.iadd().istore(walk);
                    pcOf(p, plan.lastCheck(p) + 1, f.segmentLength[p] - 1, walk);
                    c.istore(sub);
                    walkChain(chainAbove(p), walk, plan.lastCheck(p) + 1, sub);
                    c.iload(sub);
                    c.iload(at).invokestatic(CD_JIT_CODE, "select", MT_III_I).istore(at);
                }
                c.iload(at);
                c.invokevirtual(CD_JIT_CODE, "budgetFault", MT_BUDGET_FAULT).athrow();
            });
        }

        /**
         * Cancellation folded into the budget (a polled program): the budget local holds only a
         * slice of the instructions left, the rest waits in {@link JitCode#reserve}. A check that
         * finds the slice short lands here first: at a cancellation point (a back edge or a call)
         * the run reads the clock (CANCELLED at {@code pc} when over its time) and takes a new
         * slice; elsewhere it takes only what this check needs, so that the checks after it keep
         * failing until the next cancellation point, which every loop and recursion passes. When
         * the reserve cannot cover the check, the budget has really run out and the fault stub
         * that follows finds where, on the local that now holds everything left.
         */
        private void refill(int pc, long need, Label resume) {
            c.aload(0).lload(budget);
            pushLong(c, need);
            if (pc < program.slotCount() && polls(pc, program.at(pc))) {
                pushInt(c, pc);
                c.invokevirtual(CD_JIT_CODE, "pollAndRefill", MT_POLL_REFILL);
            } else {
                c.invokevirtual(CD_JIT_CODE, "refill", MT_REFILL);
            }
            c.lstore(budget);
            c.lload(budget);
            pushLong(c, need);
            c.lcmp().ifge(resume);
        }

        /** A jump or goto at {@code pc} to itself or before, which has no static fault. */
        private boolean backEdge(int pc, Instruction insn) {
            return (insn instanceof Instruction.Jump || insn instanceof Instruction.Goto)
                    && cancellationPoint(pc, insn) && StaticFaults.of(pc, insn, helpers, program).isEmpty();
        }

        /**
         * A back edge of a function laid out to leave there ({@link FunctionLayout.BackEdges#LEAVE}):
         * its check asks for {@link #margin} instructions more than the jump needs, so that the
         * slice runs low here rather than at a check inside the loop (whose refill would rejoin
         * the loop). When it does, the stub polls, takes a new slice and, the jump covered, runs
         * it: taken, it leaves the method for the target, where the dispatcher re-enters; not
         * taken, it continues at the next instruction (the loop's exit, or a way inside the loop
         * that reaches another back edge). The check stays before the jump's own test, which
         * HotSpot wants last before the loop's back edge.
         */
        private void leavingBackEdge(int segStart, int segLen, int prevCheck, int j, int pc, Instruction insn) {
            budgetCheck(segStart, segLen, prevCheck, j, Ask.WITH_MARGIN);
            emitInstruction(pc, insn);
        }

        /**
         * What a back edge's check asks beyond the jump: at least the longest way to the next
         * cancellation point or exit (the way from a loop head to the next back edge, call or
         * exit has no cycle, so the function's length bounds it), capped so that most of a slice
         * still runs between polls. Past the cap, a check inside the loop may refill now and then.
         */
        private long margin() {
            return Math.min(f.pcs.length, JitCode.SLICE / 4);
        }

        /**
         * A label that continues at {@code pc} by leaving the method, for the dispatcher to
         * re-enter there: in a chunk at a loop head, else in the loop-free copy (returning
         * {@code -2 - pc}).
         */
        private Label leaving(int pc) {
            Label stub = c.newLabel();
            int code = f.resumesInCopy(pc) && !f.isLoopHead(pc) ? -2 - pc : pc;
            stubs.add(() -> {
                frames.place(stub);
                leave(code);
            });
            return stub;
        }

        /** A back edge the polled run leaves its method at to poll (see {@link #leavingBackEdge}). */
        private boolean leavesAt(int pc, Instruction insn) {
            if (f.backEdges != FunctionLayout.BackEdges.LEAVE || !backEdge(pc, insn)) {
                return false;
            }
            int target = Program.targetOf(pc, insn);
            return (copy || !f.hasCopy()) && (f.resumesAt(target) || f.resumesInCopy(target));
        }

        /** Whether the check before {@code pc} is a loop head's margin check ({@link Ask#TO_COPY}). */
        private boolean toCopyAt(int pc) {
            return !copy && polled() && f.hasCopy() && java.util.Arrays.binarySearch(marginChecks(f), pc) >= 0;
        }

        /**
         * Whether a polled run may poll before the instruction at {@code pc}: a cancellation point,
         * except a back edge outside the copy of a function with one, whose loop heads' margin
         * checks leave for the copy, which polls ({@link Translator#marginChecks}).
         */
        private boolean polls(int pc, Instruction insn) {
            return Translator.this.polls(f, copy, pc, insn);
        }

        private boolean polled() {
            return cancellation == dev.warden.vm.Cancellation.POLLED;
        }

        /** The chain of only-predecessors above {@code segStart} that dropped their end check, nearest first. */
        private List<Integer> chainAbove(int segStart) {
            List<Integer> chain = new ArrayList<>();
            for (int x = plan.uniquePred(segStart); x >= 0 && plan.end(x) != BudgetPlan.EndCheck.CHECKED; x = plan.uniquePred(x)) {
                chain.add(x);
            }
            return chain;
        }

        /**
         * Emits the walk up {@code chain}: local {@code walk} holds the budget the segment below
         * began with, whose candidates start at {@code first}; where it is below them, the budget
         * ran out in the predecessor's tail, and local {@code result} becomes that pc.
         */
        private void walkChain(List<Integer> chain, int walk, int first, int result) {
            int lowest = first;
            for (int x : chain) {
                int len = f.segmentLength[x];
                c.iload(walk);
                pushInt(c, lowest);
                c.invokestatic(CD_JIT_CODE, "below", MT_II_I);
                c.iload(walk);
                pushInt(c, len);
                c.iadd().istore(walk);
                pcOf(x, plan.lastCheck(x) + 1, len - 1, walk);
                c.iload(result).invokestatic(CD_JIT_CODE, "select", MT_III_I).istore(result);
                lowest = plan.lastCheck(x) + 1;
            }
        }

        /**
         * Pushes the pc of instruction {@code left} (local {@code left}) of the segment at
         * {@code segStart}, for {@code left} in {@code [first, last]}: the pc of {@code first},
         * plus the instructions after it, plus one for each 64-bit load among them.
         */
        private void pcOf(int segStart, int first, int last, int left) {
            c.iload(left);
            pushInt(c, f.pcs[segStart + first] - first);
            c.iadd();
            for (int m = first; m < last; m++) {
                if (program.at(f.pcs[segStart + m]).slots() == 2) {
                    c.iload(left);
                    pushInt(c, m);
                    c.invokestatic(CD_JIT_CODE, "above", MT_II_I).iadd();
                }
            }
        }

        /**
         * The budget plan of this method: which instructions the interpreter could observe, and
         * which segment ends {@link BudgetPlan} leaves unchecked.
         */
        private BudgetPlan planBudget() {
            boolean[] obs = new boolean[hi - lo];
            for (int i = lo; i < hi; i++) {
                int pc = f.pcs[i];
                Instruction insn = program.at(pc);
                // A polled program also checks before every back edge where it may poll.
                obs[i - lo] = checked(f, copy, pc, insn) || toCopyAt(pc);
            }
            java.util.Set<Integer> entries = new java.util.HashSet<>();
            entries.add(f.entry);
            if (copy) {
                // Control leaves the copy for every loop head, so none may stand in for its
                // predecessors' end checks here.
                for (int e : copyEntries(f)) {
                    entries.add(e);
                }
                for (int pc : f.pcs) {
                    if (f.isLoopHead(pc)) {
                        entries.add(pc);
                    }
                }
            } else if (chunkMode) {
                for (int e : f.chunkEntries.get(chunk)) {
                    entries.add(e);
                }
            }
            return BudgetPlan.of(graph, f, lo, hi, entries, obs);
        }

        /**
         * Running past the last instruction: the interpreter counts that step too, so with no
         * budget left it faults for the budget at the pc past the end, else with FELL_OFF_END.
         */
        private void fellOff() {
            Label stub = c.newLabel();
            c.lload(budget).lconst_1().lcmp().iflt(stub);
            Label resume = c.newLabel();
            if (polled()) {
                frames.place(resume);
            }
            int end = program.slotCount();
            stubs.add(() -> {
                frames.place(stub);
                if (polled()) {
                    refill(end, 1, resume);
                }
                c.aload(0);
                pushInt(c, end);
                c.invokevirtual(CD_JIT_CODE, "budgetFault", MT_BUDGET_FAULT).athrow();
            });
            throwFault(StaticFaults.fellOff(end));
        }

        /**
         * The label a jump to {@code to} branches to: the target itself, or a stub that leaves
         * the chunk. (The budget needs nothing here: the jump was its segment's last instruction,
         * checked before it.)
         */
        private Label jumpTarget(int from, int to) {
            if (copy && (f.isLoopHead(to) || to <= from)) {
                return leaving(to); // the copy has no loop
            }
            if (inThisMethod(to)) {
                return label(to);
            }
            Label stub = c.newLabel();
            stubs.add(() -> {
                frames.place(stub);
                leave(to);
            });
            return stub;
        }

        /**
         * Chunk mode: hands the registers back to the dispatcher, which continues at {@code pc}.
         * In the method of a polled loop's function ({@link #dispatchTail}), goes to the tail that
         * dispatches.
         */
        private void leave(int pc) {
            discardDead(pc >= 0 ? pc : -2 - pc);
            if (!chunkMode) {
                pushInt(c, pc);
                c.istore(tailPc);
                c.goto_(tail);
                return;
            }
            spillAll();
            pushInt(c, pc);
            c.ireturn();
        }

        /**
         * Sets to 0 the registers that the run, going on at {@code pc}, never reads
         * ({@link RegisterLiveness}): a stub that hands every register over would otherwise keep
         * them alive wherever it may be taken.
         */
        private void discardDead(int pc) {
            int i = f.indexOf(pc);
            if (i < 0) {
                return;
            }
            int live = liveness.computeIfAbsent(f.entry, e -> RegisterLiveness.liveIn(graph, f))[i];
            for (int r = 0; r <= 9; r++) {
                if ((live & 1 << r) == 0) {
                    c.lconst_0().lstore(regBase + 2 * r);
                }
            }
        }

        /**
         * The cold tail of a polled loop's function in one method (one chunk and a copy, {@link
         * FunctionLayout.BackEdges#LEAVE}): where a run that leaves to poll goes on, so that a run
         * that never polls stays in this method, as compiled without polls (running the state
         * machine's loop under a dispatcher cost it 13% even with no poll taken). It moves the
         * registers into an array and dispatches as {@link #emitDispatcher} does: to the chunk at a
         * pc, to the loop-free copy at {@code -2 - pc}, until an exit ({@code -1}). No way leads
         * back from here into this method's loops. Returns the tail's frames.
         */
        private Frames dispatchTail() {
            int regs = tailPc + 1;
            List<VerificationTypeInfo> locals = new ArrayList<>(frames.locals);
            for (int t = 0; t < TMP_SLOTS; t++) {
                locals.add(SimpleVerificationTypeInfo.TOP);
            }
            locals.add(INT);
            Frames atTail = new Frames(c, locals);
            locals.add(object(CD_LONG_ARRAY));
            Frames inLoop = new Frames(c, locals);
            Label loop = c.newLabel();
            Label notChunk = c.newLabel();
            Label done = c.newLabel();
            atTail.place(tail);
            c.bipush(11).newarray(java.lang.classfile.TypeKind.LONG).astore(regs);
            for (int r = 0; r <= 10; r++) {
                c.aload(regs);
                pushInt(c, r);
                c.lload(regBase + 2 * r).lastore();
            }
            c.aload(0).lload(budget).putfield(CD_JIT_CODE, "budget", CD_long);
            inLoop.place(loop);
            c.iload(tailPc).iflt(f.hasCopy() ? notChunk : done);
            c.aload(0).aload(regs).iload(tailPc).invokevirtual(self, chunkName(f.entry, 0), MT_CHUNK).istore(tailPc);
            c.goto_(loop);
            if (f.hasCopy()) {
                inLoop.place(notChunk);
                c.iload(tailPc).iconst_m1().if_icmpeq(done);
                c.aload(0).aload(regs).iload(tailPc).ineg().iconst_2().isub()
                        .invokevirtual(self, copyName(f.entry), MT_CHUNK).istore(tailPc);
                c.goto_(loop);
            }
            inLoop.place(done);
            if (f.entry != 0 || entryIsCalled) {
                for (int r = 1; r <= 5; r++) {
                    c.aload(0).aload(regs).bipush(r).laload().putfield(CD_JIT_CODE, "x" + r, CD_long);
                }
            }
            c.aload(regs).iconst_0().laload().lreturn();
            return atTail.merge(inLoop);
        }

        private void spillAll() {
            for (int r = 0; r <= 10; r++) {
                c.aload(regsArray);
                pushInt(c, r);
                c.lload(regBase + 2 * r).lastore();
            }
            c.aload(0).lload(budget).putfield(CD_JIT_CODE, "budget", CD_long);
        }

        // ------------------------------------------------------------ instructions

        private void emitInstruction(int pc, Instruction insn) {
            switch (insn) {
                case Instruction.Alu a -> {
                    if (a.width() == Width.W64) {
                        alu64(a);
                    } else {
                        alu32(a);
                    }
                }
                case Instruction.Endian e -> endian(e);
                case Instruction.Jump j -> jump(pc, j);
                case Instruction.Goto g -> c.goto_(jumpTarget(pc, Program.targetOf(pc, g)));
                case Instruction.Call call -> call(pc, call);
                case Instruction.CallX x -> {
                    loadClassData(c, 0);
                    c.lload(reg(x.target()));
                    c.aload(0).getfield(CD_JIT_CODE, "memory", CD_MEMORY);
                    pushInt(c, pc);
                    for (int r = 1; r <= 5; r++) {
                        c.lload(reg(Reg.of(r)));
                    }
                    c.invokevirtual(CD_HELPERS, "callIndirect", MT_HELPERS_CALL).lstore(reg(Reg.R0));
                }
                case Instruction.Exit e -> exit(pc);
                case Instruction.LoadImm64 l -> {
                    // Static faults (unresolved pseudo sources) were thrown before we got here;
                    // a callback's address is Memory.FUNCTION_BASE + its pc, as in the interpreter.
                    assert l.pseudo() == Pseudo.IMM64 || l.pseudo() == Pseudo.FUNC;
                    pushLong(c, l.pseudo() == Pseudo.FUNC
                            ? dev.warden.vm.Memory.FUNCTION_BASE + StaticFaults.functionTarget(pc, l, program) : l.value());
                    c.lstore(reg(l.dst()));
                }
                case Instruction.Load l -> load(pc, l);
                case Instruction.StoreImm s -> store(pc, s.size(), s.dst(), s.offset(), () -> pushLong(c, s.imm()));
                case Instruction.StoreReg s -> store(pc, s.size(), s.dst(), s.offset(), () -> c.lload(reg(s.src())));
                case Instruction.Atomic a -> atomic(pc, a);
                case Instruction.PacketLoad p -> {
                    c.aload(0).getfield(CD_JIT_CODE, "memory", CD_MEMORY);
                    if (p.mode() == Instruction.PacketMode.IND) {
                        c.lload(reg(p.src()));
                        pushLong(c, p.imm());
                        c.ladd();
                    } else {
                        pushLong(c, p.imm());
                    }
                    pushInt(c, p.size().bytes());
                    pushInt(c, pc);
                    c.invokevirtual(CD_MEMORY, "packetLoad", MT_PACKET).lstore(reg(Reg.R0));
                }
            }
        }

        private void alu64(Instruction.Alu a) {
            int d = reg(a.dst());
            Operand src = a.src();
            switch (a.op()) {
                case MOV -> {
                    push64(src);
                    c.lstore(d);
                }
                case MOVSX8 -> {
                    push64(src);
                    c.l2i().i2b().i2l().lstore(d);
                }
                case MOVSX16 -> {
                    push64(src);
                    c.l2i().i2s().i2l().lstore(d);
                }
                case MOVSX32 -> {
                    push64(src);
                    c.l2i().i2l().lstore(d);
                }
                case NEG -> c.lload(d).lneg().lstore(d);
                case ADD -> binary64(d, src, Opcode.LADD);
                case SUB -> binary64(d, src, Opcode.LSUB);
                case MUL -> binary64(d, src, Opcode.LMUL);
                case OR -> binary64(d, src, Opcode.LOR);
                case AND -> binary64(d, src, Opcode.LAND);
                case XOR -> binary64(d, src, Opcode.LXOR);
                case LSH -> shift64(d, src, Opcode.LSHL);
                case RSH -> shift64(d, src, Opcode.LUSHR);
                case ARSH -> shift64(d, src, Opcode.LSHR);
                case DIV -> {
                    if (src instanceof Imm k) {
                        long v = k.signExtended();
                        if (v == 0) {
                            c.lconst_0().lstore(d);
                        } else {
                            c.lload(d);
                            pushLong(c, v);
                            c.invokestatic(CD_JIT_CODE, v > 0 ? "udivConst" : "udiv64", MT_JJ_J).lstore(d);
                        }
                    } else {
                        c.lload(d).lload(reg((Reg) src)).invokestatic(CD_JIT_CODE, "udiv64", MT_JJ_J).lstore(d);
                    }
                }
                case MOD -> {
                    if (src instanceof Imm k) {
                        long v = k.signExtended();
                        if (v != 0) { // by zero the dividend stays
                            c.lload(d);
                            pushLong(c, v);
                            c.invokestatic(CD_JIT_CODE, v > 0 ? "umodConst" : "umod64", MT_JJ_J).lstore(d);
                        } else {
                            c.nop(); // by zero the dividend stays; see endian() for the nop
                        }
                    } else {
                        c.lload(d).lload(reg((Reg) src)).invokestatic(CD_JIT_CODE, "umod64", MT_JJ_J).lstore(d);
                    }
                }
                case SDIV -> {
                    if (src instanceof Imm k) {
                        long v = k.signExtended();
                        if (v == 0) {
                            c.lconst_0().lstore(d);
                        } else {
                            // Java's ldiv gives MIN / -1 = MIN, like eBPF, and cannot throw here.
                            c.lload(d);
                            pushLong(c, v);
                            c.ldiv().lstore(d);
                        }
                    } else {
                        c.lload(d).lload(reg((Reg) src)).invokestatic(CD_JIT_CODE, "sdiv64", MT_JJ_J).lstore(d);
                    }
                }
                case SMOD -> {
                    if (src instanceof Imm k) {
                        long v = k.signExtended();
                        if (v != 0) {
                            c.lload(d);
                            pushLong(c, v);
                            c.lrem().lstore(d);
                        } else {
                            c.nop();
                        }
                    } else {
                        c.lload(d).lload(reg((Reg) src)).invokestatic(CD_JIT_CODE, "smod64", MT_JJ_J).lstore(d);
                    }
                }
            }
        }

        private void binary64(int d, Operand src, Opcode op) {
            c.lload(d);
            push64(src);
            c.with(java.lang.classfile.instruction.OperatorInstruction.of(op));
            c.lstore(d);
        }

        /** Java masks a long shift count by 63, exactly eBPF's rule for 64-bit shifts. */
        private void shift64(int d, Operand src, Opcode op) {
            c.lload(d);
            push32(src);
            c.with(java.lang.classfile.instruction.OperatorInstruction.of(op));
            c.lstore(d);
        }

        /** Every path leaves the zero-extended 64-bit result on the stack; one store ends it. */
        private void alu32(Instruction.Alu a) {
            int d = reg(a.dst());
            Operand src = a.src();
            switch (a.op()) {
                case MOV -> {
                    push32(src);
                    zext();
                }
                case MOVSX8 -> {
                    push32(src);
                    c.i2b();
                    zext();
                }
                case MOVSX16 -> {
                    push32(src);
                    c.i2s();
                    zext();
                }
                case MOVSX32 -> throw new IllegalStateException("movsx32 exists only at 64 bits");
                case NEG -> {
                    c.lload(d).l2i().ineg();
                    zext();
                }
                case ADD -> binary32(d, src, Opcode.IADD);
                case SUB -> binary32(d, src, Opcode.ISUB);
                case MUL -> binary32(d, src, Opcode.IMUL);
                case OR -> binary32(d, src, Opcode.IOR);
                case AND -> binary32(d, src, Opcode.IAND);
                case XOR -> binary32(d, src, Opcode.IXOR);
                // Java masks an int shift count by 31, exactly eBPF's rule for 32-bit shifts.
                case LSH -> binary32(d, src, Opcode.ISHL);
                case RSH -> binary32(d, src, Opcode.IUSHR);
                case ARSH -> binary32(d, src, Opcode.ISHR);
                case DIV -> {
                    if (src instanceof Imm k) {
                        if (k.value() == 0) {
                            c.lconst_0();
                        } else {
                            // Both operands below 2^32: a signed long division, constant-folded.
                            c.lload(d).l2i();
                            zext();
                            pushLong(c, k.value() & 0xffff_ffffL);
                            c.ldiv();
                        }
                    } else {
                        c.lload(d).l2i().lload(reg((Reg) src)).l2i().invokestatic(CD_JIT_CODE, "udiv32", MT_II_I);
                        zext();
                    }
                }
                case MOD -> {
                    if (src instanceof Imm k) {
                        c.lload(d).l2i();
                        zext();
                        if (k.value() != 0) { // by zero the (truncated) dividend stays
                            pushLong(c, k.value() & 0xffff_ffffL);
                            c.lrem();
                        }
                    } else {
                        c.lload(d).l2i().lload(reg((Reg) src)).l2i().invokestatic(CD_JIT_CODE, "umod32", MT_II_I);
                        zext();
                    }
                }
                case SDIV -> {
                    if (src instanceof Imm k) {
                        if (k.value() == 0) {
                            c.lconst_0();
                        } else {
                            // Java's idiv gives MIN / -1 = MIN, like eBPF, and cannot throw here.
                            c.lload(d).l2i();
                            pushInt(c, k.value());
                            c.idiv();
                            zext();
                        }
                    } else {
                        c.lload(d).l2i().lload(reg((Reg) src)).l2i().invokestatic(CD_JIT_CODE, "sdiv32", MT_II_I);
                        zext();
                    }
                }
                case SMOD -> {
                    if (src instanceof Imm k) {
                        c.lload(d).l2i();
                        if (k.value() != 0) {
                            pushInt(c, k.value());
                            c.irem();
                        }
                        zext();
                    } else {
                        c.lload(d).l2i().lload(reg((Reg) src)).l2i().invokestatic(CD_JIT_CODE, "smod32", MT_II_I);
                        zext();
                    }
                }
            }
            c.lstore(d);
        }

        private void binary32(int d, Operand src, Opcode op) {
            c.lload(d).l2i();
            push32(src);
            c.with(java.lang.classfile.instruction.OperatorInstruction.of(op));
            zext();
        }

        /** Zero-extends the int on the stack to a long: the rule of every 32-bit result. */
        private void zext() {
            c.invokestatic(CD_INTEGER, "toUnsignedLong", MT_I_J);
        }

        private void push64(Operand src) {
            switch (src) {
                case Reg r -> c.lload(reg(r));
                case Imm k -> pushLong(c, k.signExtended());
            }
        }

        private void push32(Operand src) {
            switch (src) {
                case Reg r -> c.lload(reg(r)).l2i();
                case Imm k -> pushInt(c, k.value());
            }
        }

        private void endian(Instruction.Endian e) {
            int d = reg(e.dst());
            switch (e.order()) {
                case TO_LE -> {
                    switch (e.bits()) {
                        case 16 -> c.lload(d).l2i().i2c().i2l().lstore(d);
                        case 32 -> {
                            c.lload(d).l2i();
                            zext();
                            c.lstore(d);
                        }
                        // A no-op on a little-endian machine; the nop keeps the next pc's label at its own offset
                        // (two labels at one offset would be two stack map frames there).
                        default -> c.nop();
                    }
                }
                case TO_BE, SWAP -> {
                    switch (e.bits()) {
                        case 16 -> c.lload(d).l2i().i2s()
                                .invokestatic(CD_SHORT, "reverseBytes", MethodTypeDesc.of(ConstantDescs.CD_short, ConstantDescs.CD_short))
                                .i2c().i2l().lstore(d);
                        case 32 -> {
                            c.lload(d).l2i().invokestatic(CD_INTEGER, "reverseBytes", MethodTypeDesc.of(CD_int, CD_int));
                            zext();
                            c.lstore(d);
                        }
                        default -> c.lload(d)
                                .invokestatic(CD_LONG_BOX, "reverseBytes", MethodTypeDesc.of(CD_long, CD_long))
                                .lstore(d);
                    }
                }
            }
        }

        private void jump(int pc, Instruction.Jump j) {
            jump(pc, j, jumpTarget(pc, Program.targetOf(pc, j)));
        }

        /** The jump at {@code pc}, branching to {@code target} when taken (and falling through otherwise). */
        private void jump(int pc, Instruction.Jump j, Label target) {
            if (j.width() == Width.W64) {
                c.lload(reg(j.dst()));
                push64(j.src());
                switch (j.cond()) {
                    case JEQ -> c.lcmp().ifeq(target);
                    case JNE -> c.lcmp().ifne(target);
                    case JSGT -> c.lcmp().ifgt(target);
                    case JSGE -> c.lcmp().ifge(target);
                    case JSLT -> c.lcmp().iflt(target);
                    case JSLE -> c.lcmp().ifle(target);
                    case JGT -> c.invokestatic(CD_LONG_BOX, "compareUnsigned", MT_JJ_I).ifgt(target);
                    case JGE -> c.invokestatic(CD_LONG_BOX, "compareUnsigned", MT_JJ_I).ifge(target);
                    case JLT -> c.invokestatic(CD_LONG_BOX, "compareUnsigned", MT_JJ_I).iflt(target);
                    case JLE -> c.invokestatic(CD_LONG_BOX, "compareUnsigned", MT_JJ_I).ifle(target);
                    case JSET -> c.land().lconst_0().lcmp().ifne(target);
                }
            } else {
                c.lload(reg(j.dst())).l2i();
                push32(j.src());
                switch (j.cond()) {
                    case JEQ -> c.if_icmpeq(target);
                    case JNE -> c.if_icmpne(target);
                    case JSGT -> c.if_icmpgt(target);
                    case JSGE -> c.if_icmpge(target);
                    case JSLT -> c.if_icmplt(target);
                    case JSLE -> c.if_icmple(target);
                    case JGT -> c.invokestatic(CD_INTEGER, "compareUnsigned", MT_II_I).ifgt(target);
                    case JGE -> c.invokestatic(CD_INTEGER, "compareUnsigned", MT_II_I).ifge(target);
                    case JLT -> c.invokestatic(CD_INTEGER, "compareUnsigned", MT_II_I).iflt(target);
                    case JLE -> c.invokestatic(CD_INTEGER, "compareUnsigned", MT_II_I).ifle(target);
                    case JSET -> c.iand().ifne(target);
                }
            }
        }

        private void call(int pc, Instruction.Call call) {
            switch (call.kind()) {
                case HELPER -> {
                    // Resolved now: a constant receiver HotSpot can inline through.
                    int index = classData(helpers.get(call.imm()), CD_HELPER);
                    loadClassData(c, index);
                    c.aload(0).getfield(CD_JIT_CODE, "memory", CD_MEMORY);
                    pushInt(c, pc);
                    for (int r = 1; r <= 5; r++) {
                        c.lload(reg(Reg.of(r)));
                    }
                    boolean budgeted = helpers.get(call.imm()) instanceof dev.warden.vm.BudgetedHelper;
                    if (takesFunctionAddresses || budgeted) {
                        // A callback (bpf_loop) runs on the run's budget: it starts with what is
                        // left after this call, and what it uses is gone when the call returns.
                        // So does a tail call's target that takes a subprogram's place.
                        c.aload(0).lload(budget);
                        pushLong(c, segmentRest);
                        c.ladd().putfield(CD_JIT_CODE, "budget", CD_long);
                    }
                    if (budgeted) {
                        invokeReturning(pc);
                    } else {
                        c.invokeinterface(CD_HELPER, "call", MT_HELPER);
                    }
                    c.lstore(reg(Reg.R0));
                    if (takesFunctionAddresses || budgeted) {
                        c.aload(0).getfield(CD_JIT_CODE, "budget", CD_long);
                        pushLong(c, segmentRest);
                        c.lsub().lstore(budget);
                    }
                }
                case LOCAL -> {
                    int target = Program.targetOf(pc, call);
                    // The new frame's r10; faults with CALL_DEPTH as the interpreter does.
                    c.aload(0).getfield(CD_JIT_CODE, "memory", CD_MEMORY);
                    pushInt(c, pc);
                    c.invokevirtual(CD_MEMORY, "pushFrame", MethodTypeDesc.of(CD_long, CD_int)).lstore(tmp);
                    c.aload(0).lload(budget).putfield(CD_JIT_CODE, "budget", CD_long);
                    c.aload(0);
                    for (int r = 0; r <= 9; r++) {
                        c.lload(reg(Reg.of(r)));
                    }
                    c.lload(tmp).invokevirtual(self, functionName(target), MT_FUNCTION).lstore(reg(Reg.R0));
                    c.aload(0).getfield(CD_JIT_CODE, "memory", CD_MEMORY)
                            .invokevirtual(CD_MEMORY, "popFrame", MethodTypeDesc.of(CD_long)).pop2();
                    for (int r = 1; r <= 5; r++) {
                        c.aload(0).getfield(CD_JIT_CODE, "x" + r, CD_long).lstore(reg(Reg.of(r)));
                    }
                    c.aload(0).getfield(CD_JIT_CODE, "budget", CD_long).lstore(budget);
                }
                case KFUNC -> throw new IllegalStateException("kfunc calls are static faults");
            }
        }

        /**
         * Calls a {@link dev.warden.vm.BudgetedHelper} whose {@link dev.warden.vm.FunctionReturn}
         * ends this function as its {@code exit} would, with the thrown r0 and the budget the helper
         * left (the rest of this segment was charged but never runs): the interpreter's rule.
         */
        private void invokeReturning(int pc) {
            Label start = c.newLabel();
            Label end = c.newLabel();
            Label handler = c.newLabel();
            c.labelBinding(start);
            c.invokeinterface(CD_HELPER, "call", MT_HELPER);
            c.labelBinding(end);
            c.exceptionCatch(start, end, handler, CD_FUNCTION_RETURN);
            stubs.add(() -> {
                frames.placeHandler(handler, CD_FUNCTION_RETURN);
                c.invokevirtual(CD_FUNCTION_RETURN, "r0", MethodTypeDesc.of(CD_long)).lstore(reg(Reg.R0));
                c.aload(0).getfield(CD_JIT_CODE, "budget", CD_long).lstore(budget);
                exit(pc);
            });
        }

        private void exit(int pc) {
            if (chunkMode) {
                spillAll();
                c.iconst_m1().ireturn();
                return;
            }
            c.aload(0).lload(budget).putfield(CD_JIT_CODE, "budget", CD_long);
            if (f.entry != 0 || entryIsCalled) {
                for (int r = 1; r <= 5; r++) {
                    c.aload(0).lload(reg(Reg.of(r))).putfield(CD_JIT_CODE, "x" + r, CD_long);
                }
            }
            c.lload(reg(Reg.R0)).lreturn();
        }

        /** Back edges (a jump or goto to this pc or before) and calls: where a run polls for cancellation. */
        static boolean cancellationPoint(int pc, Instruction insn) {
            return switch (insn) {
                case Instruction.Jump j -> pc + 1 + j.offset() <= pc;
                case Instruction.Goto g -> Program.targetOf(pc, g) <= pc;
                case Instruction.Call call -> true;
                case Instruction.CallX x -> true;
                default -> false;
            };
        }

        // ------------------------------------------------------------ memory

        /**
         * Whether the access at {@code pc} gets the heap guard: it addresses the heap and the
         * verifier did not prove it inside an object the allocator handed out.
         */
        private boolean guarded(int pc) {
            return sandbox.confines(pc) && !elision.provedSafe(pc);
        }

        /** The guard (KFlex's SFI): the address on the operand stack becomes {@code base + (address & mask)}. */
        private void guard() {
            pushLong(c, sandbox.mask());
            c.land();
            pushLong(c, sandbox.base());
            c.ladd();
        }

        private void address(Reg base, int offset) {
            c.lload(reg(base));
            if (offset != 0) {
                pushLong(c, offset);
                c.ladd();
            }
        }

        private void load(int pc, Instruction.Load l) {
            int bytes = l.size().bytes();
            if (guarded(pc)) {
                address(l.src(), l.offset());
                guard();
                c.invokestatic(CD_JIT_CODE, "raw" + l.size().bits(), MT_RAW_LOAD);
            } else if (unchecked(pc, l.src(), l.offset(), bytes)) {
                address(l.src(), l.offset());
                c.invokestatic(CD_JIT_CODE, "raw" + l.size().bits(), MT_RAW_LOAD);
            } else {
                c.aload(0);
                address(l.src(), l.offset());
                c.lload(reg(Reg.R10));
                pushInt(c, pc);
                c.invokevirtual(CD_JIT_CODE, "ld" + l.size().bits(), MT_LOAD);
            }
            if (l.extension() == Instruction.Extension.SIGN) {
                switch (l.size()) {
                    case B -> c.l2i().i2b().i2l();
                    case H -> c.l2i().i2s().i2l();
                    case W -> c.l2i().i2l();
                    case DW -> throw new IllegalStateException("no sign-extending 64-bit load");
                }
            }
            c.lstore(reg(l.dst()));
        }

        private void store(int pc, Size size, Reg base, int offset, Runnable value) {
            if (guarded(pc)) {
                address(base, offset);
                guard();
                value.run();
                c.invokestatic(CD_JIT_CODE, "rawSt" + size.bits(), MT_RAW_STORE);
            } else if (unchecked(pc, base, offset, size.bytes())) {
                address(base, offset);
                value.run();
                c.invokestatic(CD_JIT_CODE, "rawSt" + size.bits(), MT_RAW_STORE);
            } else {
                c.aload(0);
                address(base, offset);
                value.run();
                c.lload(reg(Reg.R10));
                pushInt(c, pc);
                c.invokevirtual(CD_JIT_CODE, "st" + size.bits(), MT_STORE);
            }
        }

        /** Atomics always go through Memory: it checks the region, writability and alignment. */
        private void atomic(int pc, Instruction.Atomic a) {
            boolean wide = a.size() == Size.DW;
            c.aload(0).getfield(CD_JIT_CODE, "memory", CD_MEMORY);
            address(a.dst(), a.offset());
            if (a.op() == dev.warden.isa.AtomicOp.CMPXCHG) {
                c.lload(reg(Reg.R0)).lload(reg(a.src()));
                pushInt(c, pc);
                c.invokevirtual(CD_MEMORY, wide ? "compareExchange64" : "compareExchange32", MT_CMPXCHG)
                        .lstore(reg(Reg.R0));
                return;
            }
            String name = switch (a.op()) {
                case ADD -> "fetchAdd";
                case OR -> "fetchOr";
                case AND -> "fetchAnd";
                case XOR -> "fetchXor";
                case XCHG -> "exchange";
                case CMPXCHG -> throw new AssertionError();
            } + (wide ? "64" : "32");
            c.lload(reg(a.src()));
            pushInt(c, pc);
            c.invokevirtual(CD_MEMORY, name, MT_ATOMIC);
            if (a.fetch() == Instruction.Fetch.FETCH) {
                c.lstore(reg(a.src()));
            } else {
                c.pop2();
            }
        }
    }

    // ---------------------------------------------------------------- constants

    private boolean poolHasRoom(CodeBuilder c) {
        return c.constantPool().size() < poolLimit;
    }

    void pushInt(CodeBuilder c, int v) {
        if (v >= -1 && v <= 5 || v == (byte) v || v == (short) v || poolHasRoom(c)) {
            c.loadConstant(v);
            return;
        }
        // Pool nearly full: (v >> 16) << 16 | (v & 0xffff), from short pushes only.
        c.sipush(v >> 16).bipush(16).ishl();
        int lo = v & 0xffff;
        if (lo == (short) lo) {
            c.sipush(lo);
        } else {
            c.sipush((short) lo).iconst_m1().bipush(16).iushr().iand();
        }
        c.ior();
    }

    void pushLong(CodeBuilder c, long v) {
        if (v == 0) {
            c.lconst_0();
        } else if (v == 1) {
            c.lconst_1();
        } else if (v == (int) v) {
            pushInt(c, (int) v);
            c.i2l();
        } else if (poolHasRoom(c)) {
            c.loadConstant(v);
        } else {
            pushInt(c, (int) (v >>> 32));
            c.i2l().bipush(32).lshl();
            pushInt(c, (int) v);
            c.invokestatic(CD_INTEGER, "toUnsignedLong", MT_I_J);
            c.lor();
        }
    }
}
