package dev.warden.runtime.host;

import dev.warden.eim.Field;
import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.verifier.EimWitnessReplayer;
import dev.warden.verifier.ModelInput;
import dev.warden.verifier.Witnesses;
import dev.warden.verifier.eim.ConcreteRules;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.vm.ExecResult;
import java.time.Duration;
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
 * <p><b>The set-up</b> ({@link GuardedEntry}, which the EIM soundness fuzzer runs accepted programs in too). Each host object of the class (the entry's pointer arguments' objects,
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
        try (GuardedEntry entry = GuardedEntry.open(object, program, eim, GuardedEntry.Budget.GENEROUS)) {
            List<ModelInput> fromModels = List.copyOf(models.values());
            SplittableRandom rnd = new SplittableRandom(seed);
            for (int run = 0; run < maxRuns && System.nanoTime() < deadline; run++) {
                boolean model = run < fromModels.size();
                String bytes = entry.fill(model ? Optional.of(fromModels.get(run)) : Optional.empty(), run - fromModels.size(), rnd)
                        + entry.link(!model && (run - fromModels.size()) % 5 == 4 ? GuardedEntry.Links.MAYBE_NULL_ARE_NULL
                                : GuardedEntry.Links.ALL_LINKED);
                long[] args = entry.arguments(run, rnd);
                ExecResult r = entry.run(args);
                int at = r instanceof ExecResult.Faulted f ? f.fault().pc() : -1;
                if (r instanceof ExecResult.Faulted f && pcs.contains(at) && !found.containsKey(at)) {
                    found.put(at, (model ? Witnesses.FROM_MODEL : Witnesses.FROM_SEARCH) + ": "
                            + entry.describe(args) + bytes + " → " + f.fault().kind() + ": " + f.fault().message());
                    if (found.size() == pcs.size()) {
                        break;
                    }
                }
            }
        } catch (RuntimeException | InvalidProgramException e) {
            // A program the replay cannot set up has no witness here; its violations stay unconfirmed.
            return found;
        }
        return found;
    }
}
