package dev.warden.isa.random;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * How {@link RandomProgramGenerator} shapes programs.
 *
 * @param features          the instruction families it may use
 * @param bodyInstructions  about how many instructions the random body holds (the prologue that
 *                          initialises registers and stack comes on top); at least 1
 * @param stackSlots        8-byte slots of stack the program uses, at {@code r10 - 8 * stackSlots}
 *                          up to {@code r10}; 1 to 48, so that harnesses keep room below it
 * @param maxLoopIterations the largest trip count of one loop; at least 1
 * @param maxNesting        how deep if-blocks and loops nest; 0 gives straight-line code
 */
public record GeneratorOptions(Set<Feature> features, int bodyInstructions, int stackSlots,
                               int maxLoopIterations, int maxNesting) {

    /** The most stack slots a program may use (384 bytes of the 512; harnesses use the rest). */
    public static final int MAX_STACK_SLOTS = 48;

    public GeneratorOptions {
        features = features.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(features));
        if (bodyInstructions < 1) {
            throw new IllegalArgumentException("bodyInstructions must be at least 1: " + bodyInstructions);
        }
        if (stackSlots < 1 || stackSlots > MAX_STACK_SLOTS) {
            throw new IllegalArgumentException("stackSlots must be 1.." + MAX_STACK_SLOTS + ": " + stackSlots);
        }
        if (maxLoopIterations < 1) {
            throw new IllegalArgumentException("maxLoopIterations must be at least 1: " + maxLoopIterations);
        }
        if (maxNesting < 0) {
            throw new IllegalArgumentException("maxNesting must not be negative: " + maxNesting);
        }
    }

    /**
     * Every feature but {@link Feature#LOCAL_CALLS} (opt in with {@link #with}: calls inside nested
     * loops multiply the run time), about 60 body instructions, 8 stack slots, loops of up to 6
     * trips nested 3 deep.
     */
    public static GeneratorOptions defaults() {
        return new GeneratorOptions(EnumSet.complementOf(EnumSet.of(Feature.LOCAL_CALLS)), 60, 8, 6, 3);
    }

    public GeneratorOptions with(Feature... added) {
        EnumSet<Feature> all = features.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(features);
        all.addAll(Arrays.asList(added));
        return withFeatures(all);
    }

    /** The same options without the CPU v4 features, for kernels older than 6.6. */
    public GeneratorOptions withoutCpuV4() {
        EnumSet<Feature> kept = EnumSet.noneOf(Feature.class);
        for (Feature f : features) {
            if (!f.cpuV4()) {
                kept.add(f);
            }
        }
        return withFeatures(kept);
    }

    public GeneratorOptions withFeatures(Set<Feature> newFeatures) {
        return new GeneratorOptions(newFeatures, bodyInstructions, stackSlots, maxLoopIterations, maxNesting);
    }

    public GeneratorOptions without(Feature... removed) {
        EnumSet<Feature> kept = features.isEmpty() ? EnumSet.noneOf(Feature.class) : EnumSet.copyOf(features);
        kept.removeAll(Arrays.asList(removed));
        return withFeatures(kept);
    }

    public GeneratorOptions withBodyInstructions(int n) {
        return new GeneratorOptions(features, n, stackSlots, maxLoopIterations, maxNesting);
    }

    public boolean has(Feature f) {
        return features.contains(f);
    }

    /** Bytes of stack the generated programs use. */
    public int stackBytes() {
        return stackSlots * 8;
    }
}
