package dev.warden.runtime.linux;

import dev.warden.isa.Program;
import dev.warden.runtime.BranchEdges;
import dev.warden.isa.elf.BpfMap;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Coverage-guided inputs for one program, a small mutational loop in the manner of AFL: a corpus
 * of inputs each of which executed a branch edge no earlier input had; the next input is mostly a
 * corpus input with stacked mutations ({@link InputMutations}), sometimes a fresh one (a
 * well-formed packet from {@link PacketShapes}, or a directed random input from
 * {@link RandomInputs}). After each run {@link #learn} is told the edges the run executed and the
 * keys its lookups missed; an input that added edges joins the corpus. Deterministic for a seed and
 * a deterministic program.
 */
public final class GuidedInputs {
    private final SplittableRandom rnd;
    private final RandomInputs fresh;
    private final PacketShapes shapes;
    private final InputMutations mutations;
    private final LinuxProgramType type;
    private final List<Seed> corpus = new ArrayList<>();
    private final BitSet seen = new BitSet();

    /** Inputs for {@code program} of {@code type} in an object with {@code maps}, from {@code seed}. */
    public GuidedInputs(long seed, List<BpfMap> maps, LinuxProgramType type, Program program) {
        this.rnd = new SplittableRandom(seed);
        this.fresh = new RandomInputs(rnd.nextLong(), maps);
        this.shapes = new PacketShapes(rnd.split());
        this.mutations = new InputMutations(rnd.split(), maps, type, program);
        this.type = type;
    }

    /** The next input to run. */
    public LinuxInput next() {
        if (corpus.isEmpty() || rnd.nextInt(4) == 0) {
            LinuxInput input = fresh.nextFor(type);
            // Half the fresh packets are whole header stacks, so that the mutations start deep.
            return type.hasPacket() && rnd.nextBoolean() ? new LinuxInput(shapes.frame(), input.maps(), input.clockStart(),
                    input.randomSeed(), input.pidTgid(), input.ifindex()) : input;
        }
        // Newer corpus entries are favoured: they reach the edges found last, the frontier.
        int n = corpus.size();
        Seed parent = rnd.nextBoolean() ? corpus.get(rnd.nextInt(n)) : corpus.get(n - 1 - rnd.nextInt(Math.min(n, 8)));
        LinuxInput other = corpus.get(rnd.nextInt(n)).input();
        // The keys the parent's own run missed first: a key computed from the input (an address in a
        // map value, a packet's flow) is the one a mutation of that input will look up again.
        Map<String, List<byte[]>> keys = rnd.nextInt(4) == 0 || parent.missed().isEmpty() ? fresh.learned() : parent.missed();
        return switch (rnd.nextInt(4)) {
            case 0, 1 -> mutations.replaceCompared(parent.input(), parent.compared());
            case 2 -> mutations.mutate(mutations.replaceCompared(parent.input(), parent.compared()), other, keys);
            default -> mutations.mutate(parent.input(), other, keys);
        };
    }

    /** A corpus input, the keys its run's lookups missed and the operands its jumps compared unequal. */
    private record Seed(LinuxInput input, Map<String, List<byte[]>> missed, List<BranchEdges.Comparison> compared) {}

    /**
     * What running {@code input} did: the branch edges it executed, the operands its jumps compared
     * unequal and the keys its lookups missed. Returns whether it added edges (and so joined the corpus).
     */
    public boolean learn(LinuxInput input, BitSet edges, List<BranchEdges.Comparison> compared,
                         Map<String, List<byte[]>> missed) {
        fresh.learn(missed);
        BitSet added = (BitSet) edges.clone();
        added.andNot(seen);
        if (added.isEmpty()) {
            return false;
        }
        seen.or(edges);
        Map<String, List<byte[]>> own = new java.util.LinkedHashMap<>();
        missed.forEach((k, v) -> own.put(k, List.copyOf(v)));
        corpus.add(new Seed(input, own, List.copyOf(compared)));
        return true;
    }

    /** How many inputs the corpus holds. */
    public int corpusSize() {
        return corpus.size();
    }
}
