package dev.warden.runtime.fuzz;

import dev.warden.isa.random.GeneratedObject;
import dev.warden.isa.random.Hazard;
import dev.warden.isa.random.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a soundness run exercised: per {@link Shape}, how many programs held it and how many of those
 * the verifier accepted (a rule reached only by rejected programs is not checked by running); per
 * planted {@link Hazard}, how many programs carried it and what became of them. Programs are counted
 * once per shape or flaw, however often they hold it.
 *
 * @param shapes per shape made at least once, its counts
 * @param flaws per flaw planted at least once, its counts
 */
public record CoverageCounts(Map<Shape, ShapeCount> shapes, Map<Hazard, FlawCount> flaws) {
    public CoverageCounts {
        // Copied into enum maps, so that the lines come in declaration order.
        Map<Shape, ShapeCount> s = new EnumMap<>(Shape.class);
        s.putAll(shapes);
        Map<Hazard, FlawCount> f = new EnumMap<>(Hazard.class);
        f.putAll(flaws);
        shapes = Collections.unmodifiableMap(s);
        flaws = Collections.unmodifiableMap(f);
    }

    /**
     * @param generated programs that held the shape
     * @param accepted of those, accepted (and so run)
     */
    public record ShapeCount(long generated, long accepted) {}

    /**
     * @param planted programs that carried the flaw
     * @param rejected of those, rejected
     * @param acceptedClean accepted and never faulted in their runs (the flaw unreachable, or missed by the inputs)
     * @param acceptedFaulted accepted and faulted: unsound accepts if the flaw is unsafe
     */
    public record FlawCount(long planted, long rejected, long acceptedClean, long acceptedFaulted) {}

    /** The counts as report lines, one per shape and one per flaw kind, in declaration order. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        shapes.forEach((s, c) -> out.add(String.format("shape %s: in %d programs, %d accepted", s.label(), c.generated(),
                c.accepted())));
        flaws.forEach((h, c) -> out.add(String.format("flaw %s%s: in %d programs, %d rejected, %d accepted and never faulted,"
                        + " %d accepted and faulted", h, h.unsafe() ? "" : " (safe, a precision case)", c.planted(),
                c.rejected(), c.acceptedClean(), c.acceptedFaulted())));
        return out;
    }

    /** What happened to one program, in the run's words. */
    enum Outcome { REJECTED, ACCEPTED_CLEAN, ACCEPTED_FAULTED }

    /** Counts as a run goes; not thread-safe. */
    static final class Tally {
        private final Map<Shape, long[]> shapes = new EnumMap<>(Shape.class);
        private final Map<Hazard, long[]> flaws = new EnumMap<>(Hazard.class);

        void add(GeneratedObject g, Outcome outcome) {
            Set<Shape> held = EnumSet.noneOf(Shape.class);
            held.addAll(g.shapes());
            for (Shape s : held) {
                long[] c = shapes.computeIfAbsent(s, k -> new long[2]);
                c[0]++;
                c[1] += outcome == Outcome.REJECTED ? 0 : 1;
            }
            Set<Hazard> carried = EnumSet.noneOf(Hazard.class);
            g.planted().forEach(p -> carried.add(p.hazard()));
            for (Hazard h : carried) {
                long[] c = flaws.computeIfAbsent(h, k -> new long[4]);
                c[0]++;
                c[1 + outcome.ordinal()]++;
            }
        }

        CoverageCounts counts() {
            Map<Shape, ShapeCount> s = new EnumMap<>(Shape.class);
            shapes.forEach((k, c) -> s.put(k, new ShapeCount(c[0], c[1])));
            Map<Hazard, FlawCount> f = new EnumMap<>(Hazard.class);
            flaws.forEach((k, c) -> f.put(k, new FlawCount(c[0], c[1], c[2], c[3])));
            return new CoverageCounts(s, f);
        }
    }
}
