package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.MapKind;
import dev.warden.verifier.ModelInput;
import dev.warden.verifier.WitnessReplayer;
import dev.warden.vm.ExecResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Confirms a verifier's violation by running the program in the {@link LinuxEnvironment}: on the
 * input a Z3 model gives ({@link #replayModel}), and on directed inputs until one faults at the
 * violation's pc: first a sweep of edge packet lengths
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
    /** The longest packet a model's length is taken for (the kernel's largest packet offset). */
    private static final long MAX_PACKET = 0xffff;
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
                LinuxInput input = run < 2 * SWEEP.length ? sweep(run) : random.nextFor(type.get());
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

    /**
     * The model's input: a packet of the model's length (its bytes where the path reads them, zero
     * elsewhere), and each map value the path reads holding the model's bytes under the small keys
     * programs use (0..7) — then, if the run looked up keys it did not find, under those too for a
     * second run.
     */
    @Override
    public Optional<String> replayModel(BpfObject object, BpfProgram program, String programType, int pc, ModelInput model) {
        Optional<LinuxProgramType> type = LinuxProgramType.named(programType).or(() -> LinuxProgramType.forSection(program.section()));
        if (type.isEmpty()) {
            return Optional.empty();
        }
        // A tracing type has no packet: the model's packet bytes mean nothing there, and its context starts zero.
        LinuxInput input = LinuxInput.ofPacket(type.get().hasPacket() ? packet(model) : new byte[0])
                .withMaps(mapValues(object, model, Map.of()));
        try (LinuxEnvironment env = LinuxEnvironment.load(object, program, type.get())) {
            for (int run = 0; run < 2; run++) {
                ExecResult r = env.run(input, MapsBefore.FROM_INPUT);
                if (r instanceof ExecResult.Faulted f && f.fault().pc() == pc) {
                    return Optional.of(input.describe(env.mapNames()) + " → " + f.fault().kind() + ": " + f.fault().message());
                }
                Map<String, List<byte[]>> missed = env.missedKeys();
                if (missed.isEmpty() || model.mapValueBytes().isEmpty()) {
                    return Optional.empty();
                }
                input = input.withMaps(mapValues(object, model, missed));
            }
        } catch (RuntimeException e) {
            // As in the search: a program the environment cannot load has no witness here.
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The model's packet; a length beyond the largest packet offset (or none) falls back to the bytes read, or 64. */
    static byte[] packet(ModelInput model) {
        long length = model.packetLength().orElse(-1);
        if (length < 0 || length > MAX_PACKET) {
            length = model.packetBytes().isEmpty() ? 64 : Math.min(MAX_PACKET, model.packetBytes().lastKey() + 1);
        }
        byte[] packet = new byte[(int) Math.max(0, length)];
        model.packetBytes().forEach((off, b) -> {
            if (off >= 0 && off < packet.length) {
                packet[(int) off.longValue()] = b;
            }
        });
        return packet;
    }

    private static Map<String, List<MapEntry>> mapValues(BpfObject object, ModelInput model, Map<String, List<byte[]>> missed) {
        Map<String, List<MapEntry>> out = new TreeMap<>();
        model.mapValueBytes().forEach((index, bytes) -> {
            for (BpfMap m : object.maps()) {
                if (m.index() != index || m.kind() == MapKind.GLOBAL_DATA || m.valueSize() > 1 << 16 || !keyed(m)) {
                    continue;
                }
                byte[] value = new byte[(int) m.valueSize()];
                bytes.forEach((off, b) -> {
                    if (off >= 0 && off < value.length) {
                        value[(int) off.longValue()] = b;
                    }
                });
                List<MapEntry> entries = new ArrayList<>();
                for (long k = 0; k < Math.min(8, m.maxEntries()); k++) {
                    byte[] key = new byte[(int) m.keySize()];
                    for (int i = 0; i < key.length && i < 8; i++) {
                        key[i] = (byte) (k >>> (8 * i));
                    }
                    entries.add(new MapEntry(key, value));
                }
                for (byte[] key : missed.getOrDefault(m.name(), List.of())) {
                    if (entries.size() < m.maxEntries() && entries.stream().noneMatch(e -> Arrays.equals(e.key(), key))) {
                        entries.add(new MapEntry(key, value));
                    }
                }
                out.put(m.name(), entries);
            }
        });
        return out;
    }

    /** Arrays and hashes (plain, per-CPU, LRU): the maps an input fills by key. */
    private static boolean keyed(BpfMap m) {
        return switch (m.type()) {
            case 1, 2, 5, 6, 9, 10 -> true;
            default -> false;
        };
    }

    private static LinuxInput sweep(int run) {
        byte[] packet = new byte[SWEEP[run / 2]];
        if (run % 2 == 1) {
            java.util.Arrays.fill(packet, (byte) 0xff);
        }
        return LinuxInput.ofPacket(packet);
    }
}
