package dev.warden.runtime.host;

import dev.warden.eim.AccessOp;
import dev.warden.eim.Binding;
import dev.warden.eim.Bound;
import dev.warden.eim.CType;
import dev.warden.eim.Expr;
import dev.warden.eim.Field;
import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.Program;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.Interpreter;
import dev.warden.verifier.ModelInput;
import dev.warden.verifier.eim.ByteGrant;
import dev.warden.verifier.eim.ConcreteRules;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.verifier.eim.HostObject;
import dev.warden.verifier.eim.LengthSymbol;
import dev.warden.verifier.eim.SliceGrant;
import dev.warden.verifier.eim.PointerField;
import dev.warden.verifier.state.Nullness;
import dev.warden.vm.Access;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.FaultKind;
import dev.warden.vm.Helpers;
import dev.warden.vm.LoadedProgram;
import dev.warden.vm.Memory;
import dev.warden.vm.VmFault;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An extension loaded in the checking interpreter as its EIM class's entry, with host memory
 * guarded by the grants: the set-up {@link EimReplayer} describes (each host object native memory
 * of its C size with guards around it, only granted bytes addressable, read-only where only reads
 * are granted; granted calls checking their argument constraints). The witness search and the
 * soundness fuzzer both run programs through it; this class fills the objects, picks the
 * arguments, runs, and judges what a run left behind that memory guards cannot show (a value
 * stored into a constrained field, the value returned).
 *
 * <p>A run-time slice ({@code read(data[0, len))}) is addressable up to the run's length and not
 * beyond: the regions are set up again for each run, from the length argument's value or the
 * length field's bytes (each at most {@value #LONGEST_SLICE}, clamped in the run's input).
 *
 * <p>Not thread-safe: one run at a time. Close it to free the memory.
 */
public final class GuardedEntry implements AutoCloseable {
    private final EimPlatform eim;
    private final Arena arena;
    private final ConcreteRules rules;
    private final List<HostObject> objects;
    private final MemorySegment[] memory;
    private final List<ReplayCode.MapValue> mapValues;
    private final Program code;
    private final ExecOptions options;
    /** Whether the class grants a run-time slice: then the regions follow each run's lengths (a fresh load per run). */
    private final boolean sliced;
    private LoadedProgram loaded;
    private final MemorySegment noInput;
    private final java.util.concurrent.ConcurrentMap<dev.warden.eim.Path, ConcreteConstraints.FieldAt> fields = new ConcurrentHashMap<>();

    private GuardedEntry(EimPlatform eim, Arena arena, ConcreteRules rules, MemorySegment[] memory,
                         List<ReplayCode.MapValue> mapValues, Program code, ExecOptions options) throws InvalidProgramException {
        this.eim = eim;
        this.arena = arena;
        this.rules = rules;
        this.objects = eim.objects();
        this.memory = memory;
        this.mapValues = mapValues;
        this.code = code;
        this.options = options;
        this.sliced = !eim.lengthSymbols().isEmpty();
        this.loaded = load(Map.of());
        this.noInput = arena.allocate(1).asSlice(0, 0); // the entry's memory is the host objects'
    }

    /** How many instructions a run may execute. */
    public enum Budget {
        /** 1,000,000: enough for any extension here, small enough to stop a runaway (the witness search). */
        GENEROUS,
        /**
         * What the class's {@code instructions < N} allows, N - 1 (1,000,000 without a finite
         * limit): a run that needs more faults with BUDGET_EXHAUSTED, so the limit is checked too.
         */
        CLASS_LIMIT
    }

    /**
     * Loads {@code program} as the entry of {@code eim}'s class. The caller has checked that the
     * replay supports it ({@link EimReplayer#unsupported}).
     */
    public static GuardedEntry open(BpfObject object, BpfProgram program, EimPlatform eim, Budget budget)
            throws InvalidProgramException {
        List<HostObject> objects = eim.objects();
        Arena arena = Arena.ofConfined();
        ConcreteRules rules = new ConcreteRules(eim);
        try {
            MemorySegment[] memory = new MemorySegment[objects.size()];
            for (int k = 0; k < objects.size(); k++) {
                // Guards on both sides, as Memory does for its own regions: no base-plus-offset access reaches a neighbour.
                long size = replaySize(eim, k);
                MemorySegment all = arena.allocate(size + 2 * Memory.GUARD, 16);
                memory[k] = all.asSlice(Memory.GUARD, size);
            }
            Helpers helpers = Helpers.none();
            List<ReplayCode.MapValue> mapValues = new ArrayList<>();
            Program code = ReplayCode.patched(program, object, eim, memory, arena, mapValues);
            Map<Integer, String> hostIds = new TreeMap<>();
            code = ReplayCode.hostFunctionsAsHelpers(code, program, eim, hostIds);
            for (int i = 0; i < code.size(); i++) {
                if (code.get(i) instanceof Instruction.Call c && c.kind() == Instruction.CallKind.HELPER && !helpers.defines(c.imm())) {
                    Optional<Binding> target = hostIds.containsKey(c.imm()) ? Optional.of(new Binding.HostFunction(hostIds.get(c.imm())))
                            : c.imm() < ReplayCode.HOST_FUNCTION_IDS ? Optional.of(new Binding.Helper(c.imm())) : Optional.empty();
                    if (target.isPresent() && !eim.capabilities(target.get()).isEmpty()) {
                        helpers = helpers.with(c.imm(), target.get().show(), stub(rules, target.get()));
                    }
                }
            }
            long instructions = budget == Budget.CLASS_LIMIT && eim.limits().instructions() instanceof Bound.Finite f
                    ? f.exclusive() - 1 : 1_000_000;
            return new GuardedEntry(eim, arena, rules, memory, mapValues, code,
                    ExecOptions.defaults().withHelpers(helpers).withBudget(instructions));
        } catch (RuntimeException | InvalidProgramException e) {
            rules.close();
            arena.close();
            throw e;
        }
    }

    /** The program loaded with the granted bytes as regions, a run-time slice's up to {@code lengths} (symbol id to length). */
    private LoadedProgram load(Map<Integer, Long> lengths) throws InvalidProgramException {
        LoadedProgram p = new Interpreter().load(code, options);
        for (int k = 0; k < objects.size(); k++) {
            addGranted(p.memory(), eim, k, memory[k], lengths);
        }
        for (ReplayCode.MapValue v : mapValues) {
            p.memory().addRegion(v.segment(), v.access(), "value of map '" + v.map().name() + "'");
        }
        return p;
    }

    /** The longest run-time length a replay tries: a slice's bytes are native memory of the run. */
    static final long LONGEST_SLICE = 4096;

    /** A run-time length as the replay uses it: at most {@link #LONGEST_SLICE}, or the symbol's least value if that is more. */
    private static long replayLength(LengthSymbol s, long value) {
        long cap = Math.max(LONGEST_SLICE, s.least());
        return Long.compareUnsigned(value, cap) > 0 ? cap : value;
    }

    /** The bytes object {@code k} needs: its C size, or more for a slice of a buffer behind a pointer. */
    private static long replaySize(EimPlatform eim, int k) {
        long size = eim.object(k).size();
        for (SliceGrant g : eim.slices(k)) {
            LengthSymbol s = eim.lengthSymbol(g.symbol()).orElseThrow();
            size = Math.max(size, g.end(replayLength(s, Long.MAX_VALUE)));
        }
        return size;
    }

    /**
     * This run's value of every length symbol: an argument's register (clamped in {@code args} to
     * what the replay's memory holds), or a length field's bytes (clamped in place the same way).
     */
    private Map<Integer, Long> lengths(long[] args) {
        Map<Integer, Long> out = new TreeMap<>();
        for (LengthSymbol s : eim.lengthSymbols()) {
            if (!s.isField()) {
                args[s.id() - 1] = replayLength(s, args[s.id() - 1]);
                out.put(s.id(), args[s.id() - 1]);
                continue;
            }
            MemorySegment at = memory[s.region()].asSlice(s.offset(), s.size());
            long clamped = replayLength(s, s.readFrom(memory[s.region()]));
            for (int b = 0; b < s.size(); b++) {
                at.set(ValueLayout.JAVA_BYTE, b, (byte) (clamped >>> (8 * b)));
            }
            out.put(s.id(), clamped);
        }
        return out;
    }

    /** The host objects, as {@link EimPlatform#objects()} numbers them. */
    public List<HostObject> objects() {
        return objects;
    }

    /**
     * Fills every object: the model's bytes over zeros, or pattern {@code k} (zeros, 0xff, random
     * bytes, by {@code k % 3}); says what was put.
     */
    public String fill(Optional<ModelInput> model, int k, SplittableRandom rnd) {
        StringBuilder sb = new StringBuilder();
        for (int o = 0; o < objects.size(); o++) {
            byte[] bytes = new byte[(int) memory[o].byteSize()];
            if (model.isPresent()) {
                model.get().hostBytes().getOrDefault(o, new TreeMap<>()).forEach((off, b) -> {
                    if (off >= 0 && off < bytes.length) {
                        bytes[(int) off.longValue()] = b;
                    }
                });
            } else if (k % 3 == 1) {
                java.util.Arrays.fill(bytes, (byte) 0xff);
            } else if (k % 3 == 2) {
                rnd.nextBytes(bytes);
            }
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, memory[o], 0, bytes.length);
            int shown = Math.min(bytes.length, 16);
            sb.append("; ").append(objects.get(o).name()).append(" = ").append(HexFormat.ofDelimiter(" ").formatHex(bytes, 0, shown))
                    .append(shown < bytes.length ? " ..." : "");
        }
        return sb.toString();
    }

    /** Whether the pointer fields that may be null are linked or NULL in a run. */
    public enum Links {
        /** Every pointer field points at its object's guarded copy. */
        ALL_LINKED,
        /** The fields that may be null are NULL (the extension must have checked them); the others linked. */
        MAYBE_NULL_ARE_NULL
    }

    /**
     * Points each pointer field the class reaches through at its object's guarded copy, as the
     * host API does (after {@link #fill}, which overwrites them); says which fields were NULL.
     */
    public String link(Links links) {
        StringBuilder sb = new StringBuilder();
        for (PointerField f : eim.pointerFields()) {
            boolean isNull = links == Links.MAYBE_NULL_ARE_NULL && f.nullness() == Nullness.MAYBE_NULL;
            memory[f.parent()].set(ValueLayout.JAVA_LONG_UNALIGNED, f.offset(), isNull ? 0 : memory[f.target()].address());
            sb.append(isNull ? "; " + f.path() + " = NULL" : "");
        }
        return sb.toString();
    }

    /**
     * r1..r5: an object's address for a pointer argument; for a scalar, by {@code run % 4}, its
     * range's low end, high end, middle, or a random value in it.
     */
    public long[] arguments(int run, SplittableRandom rnd) {
        List<ConcreteRules.Argument> entry = rules.entryArguments();
        long[] args = new long[5];
        for (int i = 0; i < entry.size() && i < 5; i++) {
            args[i] = switch (entry.get(i)) {
                case ConcreteRules.Argument.Pointer p -> memory[p.region()].address() + p.offset();
                case ConcreteRules.Argument.Scalar n -> switch (run % 4) {
                    case 0 -> n.lo();
                    case 1 -> n.hi();
                    case 2 -> n.lo() + (n.hi() - n.lo()) / 2;
                    default -> n.hi() - n.lo() < 0 || n.hi() - n.lo() == Long.MAX_VALUE ? rnd.nextLong() : n.lo() + rnd.nextLong(n.hi() - n.lo() + 1);
                };
                case ConcreteRules.Argument.Unmodelled u -> 0;
            };
        }
        return args;
    }

    /**
     * r1..r5 with every scalar argument set to {@code value}, clamped into what its type and the
     * entry's constraints allow (a fuzzer's "interesting value", such as a constant of the program).
     */
    public long[] argumentsWith(long value) {
        long[] args = arguments(0, new SplittableRandom(0));
        List<ConcreteRules.Argument> entry = rules.entryArguments();
        for (int i = 0; i < entry.size() && i < 5; i++) {
            if (entry.get(i) instanceof ConcreteRules.Argument.Scalar n) {
                args[i] = Math.min(Math.max(value, n.lo()), n.hi());
            }
        }
        return args;
    }

    /**
     * One run with {@code args} as r1..r5, over the bytes the objects hold now; global-data maps
     * start from their initial bytes. A run-time length (an argument in {@code args}, or a length
     * field) above {@link #LONGEST_SLICE} is clamped to it first, in place, and a slice is
     * addressable up to this run's length, not beyond.
     */
    public ExecResult run(long[] args) {
        for (ReplayCode.MapValue v : mapValues) {
            v.reset();
        }
        if (sliced) {
            Map<Integer, Long> lengths = lengths(args);
            loaded.close();
            try {
                loaded = load(lengths);
            } catch (InvalidProgramException e) {
                throw new IllegalStateException("the program loaded before: " + e.getMessage(), e);
            }
        }
        return loaded.runWithArguments(args, noInput, Access.READ_ONLY);
    }

    /** A copy of every object's bytes, to compare after a run ({@link #brokenWrites}). */
    public byte[][] snapshot() {
        byte[][] out = new byte[objects.size()][];
        for (int o = 0; o < objects.size(); o++) {
            out[o] = memory[o].toArray(ValueLayout.JAVA_BYTE);
        }
        return out;
    }

    /**
     * The write-value constraints a run broke, judged on what it left behind: each write grant
     * with value constraints whose bytes differ from {@code before} is read as its field's C type
     * and checked (by the runtime's own evaluator, not the verifier's). A value stored and then
     * overwritten within the run, or a bad value equal to the bytes already there, is not seen.
     */
    public List<String> brokenWrites(byte[][] before) {
        List<String> out = new ArrayList<>();
        for (int o = 0; o < objects.size(); o++) {
            for (ByteGrant g : objects.get(o).grants(AccessOp.WRITE)) {
                if (g.valueConstraints().isEmpty() || !changed(before[o], memory[o], g.from(), g.to())) {
                    continue;
                }
                if (!(eim.types().layout().resolve(g.valueType()) instanceof CType.Scalar sc) || sc.kind().size() != g.to() - g.from()) {
                    out.add("write of " + g.what() + " changed bytes [" + g.from() + ", " + g.to() + ") that are not one scalar: "
                            + "its value constraints cannot be read back");
                    continue;
                }
                BigInteger value = ConcreteConstraints.read(memory[o], g.from(), sc.kind());
                for (Expr c : g.valueConstraints()) {
                    ConcreteConstraints scope = new ConcreteConstraints(eim.types(), fields).scalar("value", g.valueType(), value);
                    if (!(scope.check(c) instanceof ConcreteConstraints.Outcome.Holds)) {
                        out.add("the run stored value = " + value + " into " + objects.get(o).name() + " [" + g.from() + ", " + g.to()
                                + "); " + g.what() + " allows it only with " + c.show() + " (" + g.where() + ")");
                    }
                }
            }
        }
        return out;
    }

    /**
     * The return constraints (entry's and class's) that {@code r0}, read as the entry's return
     * type, breaks with the arguments {@code args} of this run; empty for a void entry.
     */
    public List<String> brokenReturn(long r0, long[] args) {
        List<String> out = new ArrayList<>();
        if (eim.returnConstraints().isEmpty()) {
            return out;
        }
        CType returns = eim.grants().entry().prototype().returns();
        if (!(eim.types().layout().resolve(returns) instanceof CType.Scalar sc)) {
            out.add("the entry returns " + returns + ", which the run does not read back");
            return out;
        }
        ConcreteConstraints scope = new ConcreteConstraints(eim.types(), fields);
        List<Field> params = eim.grants().entry().prototype().parameters();
        for (int i = 0; i < params.size() && i < args.length; i++) {
            if (eim.types().layout().resolve(params.get(i).type()) instanceof CType.Scalar p) {
                scope.scalar(params.get(i).name(), params.get(i).type(), asType(args[i], p));
            } else if (eim.argumentObject(params.get(i).name()).isPresent()) {
                scope.pointer(params.get(i).name(), params.get(i).type(), memory[eim.argumentObject(params.get(i).name()).get()]);
            }
        }
        scope.scalar("rtn", returns, asType(r0, sc));
        for (Expr c : eim.returnConstraints()) {
            if (!(scope.check(c) instanceof ConcreteConstraints.Outcome.Holds)) {
                out.add("the run returned rtn = " + asType(r0, sc) + " (r0 = " + r0 + "), which breaks " + c.show());
            }
        }
        return out;
    }

    /** {@code raw} (a 64-bit register) converted to the C scalar type, as a C host reads the low bytes. */
    private static BigInteger asType(long raw, CType.Scalar sc) {
        return ConcreteConstraints.read(MemorySegment.ofArray(new long[] {raw}), 0, sc.kind());
    }

    private static boolean changed(byte[] before, MemorySegment now, long from, long to) {
        for (long b = from; b < to && b < before.length; b++) {
            if (before[(int) b] != now.get(ValueLayout.JAVA_BYTE, b)) {
                return true;
            }
        }
        return false;
    }

    /** The call of the entry with {@code args}, in the policy's words. */
    public String describe(long[] args) {
        List<ConcreteRules.Argument> entry = rules.entryArguments();
        List<Field> params = eim.grants().entry().prototype().parameters();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < params.size() && i < 5; i++) {
            out.add(params.get(i).name() + " = " + (entry.get(i) instanceof ConcreteRules.Argument.Pointer p
                    ? "the address of " + eim.object(p.region()).name() : Long.toString(args[i])));
        }
        return "entry " + eim.grants().entry().name() + "(" + String.join(", ", out) + ")";
    }

    @Override
    public void close() {
        try {
            loaded.close();
        } finally {
            rules.close();
            arena.close();
        }
    }

    /**
     * A granted call: fails the run where the concrete arguments break the constraints of every
     * capability for {@code target} (as the verifier requires one capability to hold), then
     * returns 0 where 0 satisfies the return constraints; else the replay cannot go on.
     */
    private static dev.warden.vm.Helper stub(ConcreteRules rules, Binding target) {
        return (mem, pc, r1, r2, r3, r4, r5) -> {
            Optional<String> broken = rules.brokenCall(target, new long[] {r1, r2, r3, r4, r5});
            if (broken.isPresent()) {
                throw new VmFault(pc, FaultKind.HELPER_FAILED, broken.get());
            }
            if (!rules.returnAllowed(target, 0)) {
                throw new VmFault(pc, FaultKind.HELPER_FAILED, "the replay does not know what " + target.show() + " returns");
            }
            return 0;
        };
    }

    /**
     * The granted bytes of object {@code k} as regions: maximal runs of bytes with the same rights.
     * A run-time slice grants its bytes up to this run's length ({@code lengths}), not beyond.
     */
    private static void addGranted(Memory memory, EimPlatform eim, int k, MemorySegment segment, Map<Integer, Long> lengths) {
        HostObject o = eim.object(k);
        int n = (int) segment.byteSize();
        boolean[] read = new boolean[n];
        boolean[] write = new boolean[n];
        mark(o.runs(AccessOp.READ), read);
        mark(o.runs(AccessOp.WRITE), write);
        for (SliceGrant g : eim.slices(k)) {
            long[] run = {g.start(), g.end(lengths.getOrDefault(g.symbol(), 0L))};
            mark(List.of(run), g.op() == AccessOp.READ ? read : write);
        }
        int start = 0;
        while (start < n) {
            boolean any = read[start] || write[start];
            boolean w = write[start];
            int end = start + 1;
            while (end < n && (read[end] || write[end]) == any && write[end] == w) {
                end++;
            }
            if (any) {
                memory.addRegion(segment.asSlice(start, end - start), w ? Access.READ_WRITE : Access.READ_ONLY,
                        o.name() + " [" + start + ", " + end + ") granted");
            }
            start = end;
        }
    }

    private static void mark(List<long[]> runs, boolean[] bytes) {
        for (long[] r : runs) {
            for (long b = Math.max(0, r[0]); b < r[1] && b < bytes.length; b++) {
                bytes[(int) b] = true;
            }
        }
    }
}
