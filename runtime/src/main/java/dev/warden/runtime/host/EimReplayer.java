package dev.warden.runtime.host;

import dev.warden.eim.AccessOp;
import dev.warden.eim.Binding;
import dev.warden.eim.Field;
import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.Interpreter;
import dev.warden.verifier.EimWitnessReplayer;
import dev.warden.verifier.ModelInput;
import dev.warden.verifier.Witnesses;
import dev.warden.verifier.eim.ConcreteRules;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.verifier.eim.HostObject;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Replays an extension in the checking interpreter as its EIM class's entry would be called, to
 * confirm violations found against the class ({@link EimWitnessReplayer}).
 *
 * <p><b>The set-up.</b> Each host object of the class (the entry's pointer arguments' objects,
 * the host variables) is native memory of its C size, guarded on both sides; only the bytes the
 * class grants are regions of the run (read-only where only reads are granted), so a load or store
 * of any other byte faults at its pc, as does one past the object. r1..r5 are the entry's
 * arguments: a pointer argument is its object's address, a scalar a value its type and the
 * entry's constraints allow. An object the class reaches through a pointer field ({@code *r->hdr})
 * is such guarded memory too, and the field in its parent's copy holds its address (NULL on every
 * fifth search run where the entry does not promise {@code non_null}), so violations through
 * {@code ->} are shown like the others. A host variable's {@code lddw} is replaced by its object's address.
 * A granted helper or host function checks the argument constraints of the capabilities for it on
 * the concrete arguments (a violated one ends the run with a fault at the call) and returns 0 when
 * 0 satisfies its return constraints; otherwise the run ends there, unconfirmed, since the replay
 * does not know what the host would return; granted Linux helpers are such calls too (a map
 * helper returns 0, NULL for a lookup, without touching memory). A map's {@code lddw} is a handle
 * no region holds, a global-data map's value memory with its initial bytes. Write-only grants are
 * readable here too: a read of them is not shown, which can only miss a witness, never make one up.
 *
 * <p><b>The inputs.</b> First the bytes a Z3 model of a path to a violation gives (zero
 * elsewhere), then all zeros, all 0xff, and seeded random bytes; scalar arguments go through
 * their range's low end, high end, middle and random values. At most {@code maxRuns} runs and
 * {@code timeLimit} in all.
 *
 * @param maxRuns the most runs per search
 * @param timeLimit the most time per search
 * @param seed the seed of the random bytes and values
 */
public record EimReplayer(int maxRuns, Duration timeLimit, long seed) implements EimWitnessReplayer {
    /** 200 runs, one second, seed 0. */
    public static EimReplayer defaults() {
        return new EimReplayer(200, Duration.ofSeconds(1), 0);
    }

    @Override
    public Optional<String> unsupported(BpfObject object, BpfProgram program, EimPlatform eim) {
        List<Field> params = eim.grants().entry().prototype().parameters();
        if (params.size() > 5) {
            return Optional.of("entry " + eim.grants().entry().name() + " takes " + params.size()
                    + " parameters; eBPF passes five (r1..r5)");
        }
        List<ConcreteRules.Argument> arguments;
        try (ConcreteRules rules = new ConcreteRules(eim)) {
            arguments = rules.entryArguments();
        }
        for (ConcreteRules.Argument a : arguments) {
            if (a instanceof ConcreteRules.Argument.Unmodelled) {
                return Optional.of("entry " + eim.grants().entry().name() + " takes a struct by value, which the replay does not lay out");
            }
        }
        Program code = program.program();
        for (int i = 0; i < code.size(); i++) {
            int pc = code.pcOf(i);
            switch (code.get(i)) {
                case Instruction.LoadImm64 l when (l.pseudo() == Pseudo.MAP_IDX || l.pseudo() == Pseudo.MAP_IDX_VALUE)
                        && object.maps().stream().noneMatch(m -> m.index() == l.imm()) -> {
                    return Optional.of("pc " + pc + " loads map index " + l.imm() + ", which the object does not define");
                }
                case Instruction.LoadImm64 l when l.pseudo() == Pseudo.MAP_FD || l.pseudo() == Pseudo.MAP_VALUE -> {
                    return Optional.of("pc " + pc + " loads map file descriptor " + l.imm() + ", which the replay does not resolve");
                }
                case Instruction.CallX c -> {
                    return Optional.of("pc " + pc + " calls through a register, which the replay does not follow");
                }
                default -> { }
            }
        }
        return Optional.empty();
    }

    @Override
    public Map<Integer, String> findFaults(BpfObject object, BpfProgram program, EimPlatform eim, Set<Integer> pcs,
                                           Map<Integer, ModelInput> models) {
        Map<Integer, String> found = new TreeMap<>();
        if (unsupported(object, program, eim).isPresent() || pcs.isEmpty()) {
            return found;
        }
        long deadline = System.nanoTime() + timeLimit.toNanos();
        List<HostObject> objects = eim.objects();
        try (Arena arena = Arena.ofConfined(); ConcreteRules rules = new ConcreteRules(eim)) {
            MemorySegment[] memory = new MemorySegment[objects.size()];
            for (int k = 0; k < objects.size(); k++) {
                // Guards on both sides, as Memory does for its own regions: no base-plus-offset access reaches a neighbour.
                MemorySegment all = arena.allocate(objects.get(k).size() + 2 * Memory.GUARD, 16);
                memory[k] = all.asSlice(Memory.GUARD, objects.get(k).size());
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
            try (LoadedProgram loaded = new Interpreter().load(code,
                    ExecOptions.defaults().withHelpers(helpers).withBudget(1_000_000))) {
                for (int k = 0; k < objects.size(); k++) {
                    addGranted(loaded.memory(), objects.get(k), memory[k]);
                }
                for (ReplayCode.MapValue v : mapValues) {
                    loaded.memory().addRegion(v.segment(), v.access(), "value of map '" + v.map().name() + "'");
                }
                List<ModelInput> fromModels = List.copyOf(models.values());
                SplittableRandom rnd = new SplittableRandom(seed);
                MemorySegment noInput = arena.allocate(1).asSlice(0, 0); // the entry's memory is the host objects'
                for (int run = 0; run < maxRuns && System.nanoTime() < deadline; run++) {
                    boolean model = run < fromModels.size();
                    for (ReplayCode.MapValue v : mapValues) {
                        v.reset();
                    }
                    String bytes = fill(objects, memory, model ? Optional.of(fromModels.get(run)) : Optional.empty(),
                            run - fromModels.size(), rnd)
                            + link(eim.pointerFields(), memory, !model && (run - fromModels.size()) % 5 == 4);
                    long[] args = arguments(rules.entryArguments(), memory, run, rnd);
                    ExecResult r = loaded.runWithArguments(args, noInput, Access.READ_ONLY);
                    int at = r instanceof ExecResult.Faulted f ? f.fault().pc() : -1;
                    if (r instanceof ExecResult.Faulted f && pcs.contains(at) && !found.containsKey(at)) {
                        found.put(at, (model ? Witnesses.FROM_MODEL : Witnesses.FROM_SEARCH) + ": "
                                + describe(eim, rules.entryArguments(), args) + bytes + " → " + f.fault().kind() + ": " + f.fault().message());
                        if (found.size() == pcs.size()) {
                            break;
                        }
                    }
                }
            }
        } catch (RuntimeException | InvalidProgramException e) {
            // A program the replay cannot set up has no witness here; its violations stay unconfirmed.
            return found;
        }
        return found;
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

    /** The granted bytes of {@code o} as regions: maximal runs of bytes with the same rights. */
    private static void addGranted(Memory memory, HostObject o, MemorySegment segment) {
        int n = (int) o.size();
        boolean[] read = new boolean[n];
        boolean[] write = new boolean[n];
        mark(o.runs(AccessOp.READ), read);
        mark(o.runs(AccessOp.WRITE), write);
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

    /** Fills every object: the model's bytes over zeros, or pattern {@code k} (zeros, 0xff, random); says what was put. */
    private static String fill(List<HostObject> objects, MemorySegment[] memory, Optional<ModelInput> model, int k, SplittableRandom rnd) {
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

    /**
     * Points each pointer field the class reaches through at its object's guarded copy, as the
     * host API does; with {@code nullRun}, the fields that may be null are NULL instead (the
     * extension must have checked them). Says which fields were NULL.
     */
    private static String link(List<PointerField> fields, MemorySegment[] memory, boolean nullRun) {
        StringBuilder sb = new StringBuilder();
        for (PointerField f : fields) {
            boolean isNull = nullRun && f.nullness() == Nullness.MAYBE_NULL;
            memory[f.parent()].set(ValueLayout.JAVA_LONG_UNALIGNED, f.offset(), isNull ? 0 : memory[f.target()].address());
            sb.append(isNull ? "; " + f.path() + " = NULL" : "");
        }
        return sb.toString();
    }

    /** r1..r5: an object's address for a pointer argument; for a scalar, its range's low end, high end, middle, or a random value in it. */
    private static long[] arguments(List<ConcreteRules.Argument> entry, MemorySegment[] memory, int run, SplittableRandom rnd) {
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

    private static String describe(EimPlatform eim, List<ConcreteRules.Argument> entry, long[] args) {
        List<Field> params = eim.grants().entry().prototype().parameters();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < params.size() && i < 5; i++) {
            out.add(params.get(i).name() + " = " + (entry.get(i) instanceof ConcreteRules.Argument.Pointer p
                    ? "the address of " + eim.object(p.region()).name() : Long.toString(args[i])));
        }
        return "entry " + eim.grants().entry().name() + "(" + String.join(", ", out) + ")";
    }
}
