package dev.warden.verifier.check;

import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.LineInfo;
import dev.warden.verifier.ModelInput;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.ObligationKind;
import dev.warden.verifier.Violation;
import dev.warden.verifier.WitnessStatus;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.transfer.Sink;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The check pass's sink: collects each distinct violation once (the same obligation can fail in
 * several calling contexts), which memory accesses were proved in every context, and the log.
 * While no violation stands, a violation the domains report is first offered to
 * {@link SmtDischarge} with the invariants of the function context being checked ({@link #enter});
 * if Z3 proves the obligation, it is dropped and the access counts as proved.
 */
public final class Collector implements Sink {
    private final BpfProgram program;
    private final Map<String, Violation> violations = new LinkedHashMap<>();
    private final BitSet accesses = new BitSet();
    private final BitSet unproved = new BitSet();
    /** Per iterator buffer (key, value): the largest extent accessed. */
    private final long[] iteratorExtent = new long[2];
    private final Log log;
    private final SmtDischarge smt;
    private final ArrayDeque<Invariants> contexts = new ArrayDeque<>();
    /** The instruction whose violations are being reported, and whether Z3 discharged some and the domains kept some. */
    private int currentPc = -1;
    private boolean discharged;
    private boolean kept;

    private final InvariantTable invariants;

    public Collector(BpfProgram program, Log log, SmtDischarge smt, InvariantTable invariants) {
        this.program = program;
        this.log = log;
        this.smt = smt;
        this.invariants = invariants;
    }

    /** The states before each pc, as the check pass sees them. */
    public InvariantTable invariants() {
        return invariants;
    }

    /** The check pass enters a function context (contexts nest: a callee is checked during its caller's pass). */
    public void enter(Invariants context) {
        contexts.push(context);
    }

    /**
     * As {@link #enter(Invariants)}, for a context reached by the call chain {@code chain} (the
     * entries of the functions whose frames are live, outermost first): stack accesses then count
     * toward the function that owns the frame they reach ({@link #functionStack}).
     */
    public void enter(Invariants context, List<Integer> chain) {
        enter(context);
        chains.push(chain);
    }

    /** The call chains of the contexts entered with one, innermost first. */
    private final java.util.ArrayDeque<List<Integer>> chains = new java.util.ArrayDeque<>();
    /** Per function entry: the deepest offset into its own frame any access reached (Linux's {@code stack_depth}). */
    private final java.util.TreeMap<Integer, Long> functionReach = new java.util.TreeMap<>();

    /** Per function entry, the stack bytes of its frame that accesses reached (the function's or its callees' through a pointer). */
    public java.util.SortedMap<Integer, Long> functionStack() {
        java.util.TreeMap<Integer, Long> out = new java.util.TreeMap<>();
        functionReach.forEach((f, off) -> out.put(f, -off));
        return out;
    }

    /** The check pass of the innermost context is done. */
    public void leave() {
        if (chains.size() == contexts.size()) {
            chains.pop();
        }
        contexts.pop();
        currentPc = -1;
    }

    @Override
    public void violation(int pc, Obligation obligation, String message, AbstractState state) {
        ObligationKind kind = obligation.kind();
        if (pc != currentPc) {
            currentPc = pc;
            discharged = false;
            kept = false;
        }
        // Z3 is asked only while the program may still be accepted: once one violation stands,
        // discharging others would change the list of violations but not the verdict.
        Optional<ModelInput> model = Optional.empty();
        if (!contexts.isEmpty() && violations.isEmpty()) {
            switch (smt.discharge(pc, kind, state, contexts.peek())) {
                case SmtDischarge.Outcome.Discharged d -> {
                    discharged = true;
                    return;
                }
                case SmtDischarge.Outcome.Undecided u -> message = message + "; " + u.note();
                case SmtDischarge.Outcome.Modelled m -> model = m.model().isEmpty() ? Optional.empty() : Optional.of(m.model());
                case SmtDischarge.Outcome.Keep k -> { }
            }
        }
        kept = true;
        String key = pc + "\u0000" + kind + "\u0000" + message;
        if (!violations.containsKey(key)) {
            // A check made after the analysis (a class's limits) has no state to show.
            violations.put(key, new Violation(pc, line(pc), obligation, message, state.isBottom() ? "" : state.toString(), WitnessStatus.NOT_SEARCHED,
                    Optional.empty(), model));
            log.violation(pc, kind, message);
        }
    }

    @Override
    public void access(int pc, Proof proof) {
        if (pc == currentPc && proof == Proof.UNPROVED && discharged && !kept) {
            proof = Proof.PROVED;
        }
        currentPc = -1;
        accesses.set(pc);
        if (proof != Proof.PROVED) {
            unproved.set(pc);
        }
    }

    /** Loads and stores by what they address in some context (KFlex's heap): see {@link Sink.MemoryTarget}. */
    private final java.util.EnumMap<MemoryTarget, BitSet> targets = new java.util.EnumMap<>(MemoryTarget.class);

    @Override
    public void memoryTarget(int pc, MemoryTarget target) {
        targets.computeIfAbsent(target, t -> new BitSet()).set(pc);
    }

    /** The loads and stores that addressed {@code target} in some context. */
    public BitSet memoryTargets(MemoryTarget target) {
        return (BitSet) targets.getOrDefault(target, new BitSet()).clone();
    }

    /** Per frame depth: the deepest stack offset reached (0 for none) and the pc that reached it. */
    private final java.util.TreeMap<Integer, long[]> stackReach = new java.util.TreeMap<>();

    @Override
    public void stackReach(int pc, int depth, long offset) {
        if (!chains.isEmpty() && chains.size() == contexts.size() && depth < chains.peek().size()) {
            functionReach.merge(chains.peek().get(depth), offset, Math::min);
        }
        long[] r = stackReach.computeIfAbsent(depth, d -> new long[] {0, -1});
        if (offset < r[0]) {
            r[0] = offset;
            r[1] = pc;
        }
    }

    /**
     * The stack bytes the program may use: the deepest reach of each frame depth, added up (every
     * call chain is covered, since a chain has at most one frame per depth). {@code pc} is where the
     * deepest frame's deepest access is, -1 when the program touches no stack.
     */
    public StackUse stackUse() {
        long bytes = 0;
        int pc = -1;
        long deepest = 0;
        for (long[] r : stackReach.values()) {
            bytes += -r[0];
            if (r[0] < deepest) {
                deepest = r[0];
                pc = (int) r[1];
            }
        }
        return new StackUse(bytes, pc);
    }

    /** Stack bytes used, and an instruction that reaches the deepest. */
    public record StackUse(long bytes, int pc) {}

    @Override
    public void attachRequirement(int region, long end) {
        iteratorExtent[region] = Math.max(iteratorExtent[region], end);
    }

    /** The largest extent accessed in iterator buffer {@code region} (0 when none). */
    public long iteratorExtent(int region) {
        return iteratorExtent[region];
    }

    /** Violations sorted by pc (stable for equal pcs: order of discovery). */
    public List<Violation> violations() {
        List<Violation> out = new ArrayList<>(violations.values());
        out.sort(Comparator.comparingInt(Violation::pc));
        return out;
    }

    /** Memory-access instructions reached in some context. */
    public BitSet accesses() {
        return (BitSet) accesses.clone();
    }

    /** Accesses proved in bounds in every context they were reached in. */
    public BitSet proved() {
        BitSet b = (BitSet) accesses.clone();
        b.andNot(unproved);
        return b;
    }

    /** Obligations Z3 was asked about. */
    public int z3Queries() {
        return smt.obligations();
    }

    public Log log() {
        return log;
    }

    /** {@code file:line} of the nearest line info at or before {@code pc}. */
    public Optional<String> line(int pc) {
        return nearest(program, pc).map(l -> shortName(l.file()) + ":" + l.line());
    }

    static Optional<LineInfo> nearest(BpfProgram program, int pc) {
        LineInfo best = null;
        for (LineInfo l : program.lines()) {
            if (l.pc() <= pc) {
                best = l;
            } else {
                break;
            }
        }
        return Optional.ofNullable(best);
    }

    static String shortName(String file) {
        int slash = file.lastIndexOf('/');
        return slash >= 0 ? file.substring(slash + 1) : file;
    }
}
