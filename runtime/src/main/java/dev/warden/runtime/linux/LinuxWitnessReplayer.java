package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.verifier.WitnessReplayer;
import dev.warden.vm.ExecResult;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Confirms a verifier's violation by running the program in the {@link LinuxEnvironment} on
 * directed inputs until one faults at the violation's pc: first a sweep of edge packet lengths
 * (all zero and all 0xff bytes) with empty maps, then {@link RandomInputs} (random lengths and
 * bytes, maps holding random entries, including keys earlier runs missed). At most
 * {@code maxRuns} runs and {@code timeLimit} in all.
 *
 * <p>The description names the input and the fault: {@code packet of 14 bytes 00 11 ...; map
 * 'counters' empty (arrays zero); prandom seed 3 → OUT_OF_BOUNDS: load of 1 bytes at ...}.
 *
 * @param maxRuns the most runs per search
 * @param timeLimit the most time per search
 * @param seed the seed of the random inputs (a search is deterministic for a seed)
 */
public record LinuxWitnessReplayer(int maxRuns, Duration timeLimit, long seed) implements WitnessReplayer {
    private static final int[] SWEEP = {0, 1, 2, 3, 4, 7, 8, 13, 14, 15, 20, 33, 34, 35, 53, 54, 64};

    /** 400 runs, one second, seed 0. */
    public static LinuxWitnessReplayer defaults() {
        return new LinuxWitnessReplayer(400, Duration.ofSeconds(1), 0);
    }

    @Override
    public Optional<String> findFault(BpfObject object, BpfProgram program, String programType, int pc) {
        return Optional.ofNullable(findFaults(object, program, programType, Set.of(pc)).get(pc));
    }

    /** One search: runs inputs until each pc of {@code pcs} has faulted once, or the budget is spent. */
    @Override
    public Map<Integer, String> findFaults(BpfObject object, BpfProgram program, String programType, Set<Integer> pcs) {
        Map<Integer, String> found = new TreeMap<>();
        Optional<LinuxProgramType> type = LinuxProgramType.named(programType).or(() -> LinuxProgramType.forSection(program.section()));
        if (type.isEmpty()) {
            return found;
        }
        long deadline = System.nanoTime() + timeLimit.toNanos();
        RandomInputs random = new RandomInputs(seed, object.maps());
        try (LinuxEnvironment env = LinuxEnvironment.load(object, program, type.get())) {
            for (int run = 0; run < maxRuns && System.nanoTime() < deadline; run++) {
                LinuxInput input = run < 2 * SWEEP.length ? sweep(run) : random.next();
                ExecResult r = env.run(input, MapsBefore.FROM_INPUT);
                if (r instanceof ExecResult.Faulted f && pcs.contains(f.fault().pc()) && !found.containsKey(f.fault().pc())) {
                    found.put(f.fault().pc(), input.describe(env.mapNames()) + " → " + f.fault().kind() + ": " + f.fault().message());
                    if (found.size() == pcs.size()) {
                        return found;
                    }
                }
                random.learn(env.missedKeys());
            }
        } catch (RuntimeException e) {
            // A program the environment cannot load (an unsupported map, no memory below 4 GiB)
            // has no witness here; the violation stays unconfirmed, which is the honest answer.
            return found;
        }
        return found;
    }

    private static LinuxInput sweep(int run) {
        byte[] packet = new byte[SWEEP[run / 2]];
        if (run % 2 == 1) {
            java.util.Arrays.fill(packet, (byte) 0xff);
        }
        return LinuxInput.ofPacket(packet);
    }
}
