package dev.warden.verifier.fixpoint;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.cfg.ControlFlowGraph;
import dev.warden.isa.cfg.WtoElement;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.ObligationKind;
import dev.warden.verifier.Termination;
import dev.warden.verifier.check.Collector;
import dev.warden.verifier.platform.HelperPrototype;
import dev.warden.verifier.platform.ProgramType;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Locks;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import dev.warden.verifier.transfer.Env;
import dev.warden.verifier.transfer.Sink;
import dev.warden.verifier.transfer.Transfer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The whole-program analysis: the entry function's fixpoint, with every local call analysed in
 * its calling context (the callee's fixpoint from the caller's state at the call; results are
 * memoised by callee and entry state), then the check pass over the stable states.
 */
public final class Engine {
    /** The kernel's MAX_CALL_FRAMES. */
    public static final int MAX_FRAMES = 8;

    private final Env env;
    private final Program program;
    private final Termination termination;
    private final long maxInstructions;
    /** The program's control-flow graph, built on first use (the JIT builds the same). */
    private ControlFlowGraph cfg;
    private final Map<Integer, FunctionBlocks> graphs = new HashMap<>();
    private final Map<Key, FunctionAnalysis> memo = new HashMap<>();
    private final Set<Key> checked = new HashSet<>();
    private final BitSet cancellationPoints = new BitSet();
    /** Per checked function context: the most instructions one run of it may execute (PROOF mode; absent when unknown). */
    private final Map<FunctionAnalysis, Long> instructionBounds = new java.util.IdentityHashMap<>();
    /** The bound of the entry function: the whole program's. */
    private OptionalLong programBound = OptionalLong.empty();

    private record Key(int entryPc, AbstractState state) {}

    public Engine(Env env, Termination termination, long maxInstructions) {
        this.env = env;
        this.program = env.program().program();
        this.termination = termination;
        this.maxInstructions = maxInstructions;
    }

    /** Analyses from pc 0 with {@code entry}, then checks every obligation into {@code sink}. */
    public void verify(AbstractState entry, Collector sink) {
        List<Integer> chain = List.of(0);
        FunctionAnalysis main = analyse(0, entry, chain);
        checked.add(new Key(0, entry));
        check(main, chain, sink);
        if (termination == Termination.PROOF && instructionBounds.containsKey(main)) {
            long bound = instructionBounds.get(main);
            programBound = OptionalLong.of(bound);
            java.util.Optional<String> eimLimit = env.eim().flatMap(e -> e.platform().limitWords(dev.warden.eim.LimitKind.INSTRUCTIONS));
            if (Long.compareUnsigned(bound, maxInstructions) > 0 && eimLimit.isPresent()) {
                // A class's instruction limit, in its words; a loop already reported over the limit says it where it is.
                if (sink.violations().stream().noneMatch(v -> v.kind() == ObligationKind.LIMIT)) {
                    sink.violation(0, new Obligation.Limit("instructions", bound, maxInstructions), "a run may execute up to "
                            + (bound == Long.MAX_VALUE ? "more than 2^63" : Long.toString(bound))
                            + " instructions (loop bounds times their bodies, along the longest path, calls included); "
                            + eimLimit.get(), main.in(main.graph().entryBlock()));
                }
            } else if (Long.compareUnsigned(bound, maxInstructions) > 0) {
                sink.violation(0, new Obligation.BoundedLoop(java.util.OptionalInt.empty(), OptionalLong.of(bound), maxInstructions),
                        "a run may execute up to "
                        + (bound == Long.MAX_VALUE ? "more than 2^63" : Long.toString(bound))
                        + " instructions (loop bounds times their bodies, along the longest path, calls included), more than the limit of "
                        + maxInstructions, main.in(main.graph().entryBlock()));
            }
        }
    }

    /**
     * The most instructions any run of the program executes, when every loop it can reach has a
     * proved bound ({@link Termination#PROOF} mode); empty otherwise.
     */
    public OptionalLong instructionBound() {
        return programBound;
    }

    /** Back edges (their source pcs) found in {@link Termination#RUNTIME} mode. */
    public BitSet cancellationPoints() {
        return (BitSet) cancellationPoints.clone();
    }

    private FunctionAnalysis analyse(int entryPc, AbstractState entry, List<Integer> chain) {
        Key key = new Key(entryPc, entry);
        FunctionAnalysis fa = memo.get(key);
        if (fa == null) {
            FunctionBlocks g = graphs.computeIfAbsent(entryPc, pc -> FunctionBlocks.of(cfg(), cfg().function(pc).orElseThrow()));
            fa = new FunctionAnalysis(new Transfer(env, (pc, target, s, sink) -> call(chain, pc, target, s, sink)), g, g.order(), entry)
                    .run();
            memo.put(key, fa);
        }
        return fa;
    }

    private ControlFlowGraph cfg() {
        if (cfg == null) {
            cfg = ControlFlowGraph.of(program);
        }
        return cfg;
    }

    private AbstractState call(List<Integer> chain, int pc, int target, AbstractState s, Sink sink) {
        return call(chain, pc, target, s, sink, new HashMap<>());
    }

    /** A call; {@code callees} collects, per call pc, the callee contexts analysed for it. */
    private AbstractState call(List<Integer> chain, int pc, int target, AbstractState s, Sink sink,
            Map<Integer, List<FunctionAnalysis>> callees) {
        if (cfg().function(target).isEmpty()) {
            // A callback address that is no instruction (the graph makes every valid one a function).
            sink.violation(pc, new Obligation.Type("a function start", "pc " + target), "no function starts at pc " + target, s);
            return clobbered(s);
        }
        if (chain.contains(target)) {
            sink.violation(pc, new Obligation.CallDepth(target, MAX_FRAMES), "recursive call of the function at pc " + target
                    + " (BPF programs may not recurse)", s);
            return clobbered(s);
        }
        if (s.depth() + 1 >= MAX_FRAMES) {
            sink.violation(pc, new Obligation.CallDepth(target, MAX_FRAMES), "calls nest more than " + MAX_FRAMES + " deep", s);
            return clobbered(s);
        }
        List<Integer> inner = new ArrayList<>(chain);
        inner.add(target);
        AbstractState entry = s.push();
        FunctionAnalysis callee = analyse(target, entry, List.copyOf(inner));
        if (sink != Sink.NONE && checked.add(new Key(target, entry))) {
            check(callee, inner, (Collector) sink);
        }
        callees.computeIfAbsent(pc, k -> new ArrayList<>()).add(callee);
        AbstractState exit = callee.exit();
        if (exit.isBottom()) {
            return exit;
        }
        int dead = exit.depth();
        // Pointers into the returned frame dangle: they become plain numbers.
        return exit.pop().mapValues(v -> v instanceof Value.Ptr p && p.kind() == PtrKind.STACK && p.region() >= dead
                ? Value.TOP : v);
    }

    private static AbstractState clobbered(AbstractState s) {
        for (int r = 1; r <= 5; r++) {
            s = s.withReg(r, Value.UNINIT);
        }
        return s.withReg(0, Value.TOP);
    }

    /** The check pass over one analysed function context. */
    private void check(FunctionAnalysis fa, List<Integer> chain, Collector sink) {
        FunctionBlocks g = fa.graph();
        Map<Integer, List<FunctionAnalysis>> callees = new HashMap<>();
        Transfer t = new Transfer(env, (pc, target, s, k) -> call(chain, pc, target, s, k, callees));
        Map<Integer, Long> loopBounds = new HashMap<>();
        sink.enter(new ContextInvariants(fa, t), chain);
        try {
            checkBlocks(fa, g, t, sink, loopBounds);
        } finally {
            sink.leave();
        }
        if (termination == Termination.PROOF) {
            bound(fa, loopBounds, callees);
        }
    }

    /**
     * Records the instruction bound of {@code fa}: a callee counts with the largest bound of its
     * contexts at that call; a callback a helper calls (bpf_loop...) counts once per helper call,
     * as the kernel's complexity limit counts it (the helper bounds its repetitions, see
     * docs/verifier.md). Unknown when a loop or a callee has no bound.
     */
    private void bound(FunctionAnalysis fa, Map<Integer, Long> loopBounds, Map<Integer, List<FunctionAnalysis>> callees) {
        Map<Integer, Long> callBounds = new HashMap<>();
        for (Map.Entry<Integer, List<FunctionAnalysis>> e : callees.entrySet()) {
            long most = 0;
            for (FunctionAnalysis c : e.getValue()) {
                Long b = instructionBounds.get(c);
                if (b == null) {
                    return;
                }
                most = Math.max(most, b);
            }
            callBounds.put(e.getKey(), most);
        }
        InstructionBound.of(fa, loopBounds, callBounds).ifPresent(b -> instructionBounds.put(fa, b));
    }

    private void checkBlocks(FunctionAnalysis fa, FunctionBlocks g, Transfer t, Collector sink, Map<Integer, Long> loopBounds) {
        FunctionAnalysis checker = fa;
        for (int b = 0; b < g.blockCount(); b++) {
            // Each disjunct on its own: an obligation holds when it holds in every one of them.
            for (AbstractState in : fa.inParts(b)) {
                AbstractState[] out = checker.runWith(t, b, in, sink, (pc, insn, s) -> {
                    sink.log().step(pc, insn, s);
                    sink.invariants().record(pc, s);
                    if (insn instanceof Instruction.Exit && s.depth() == 0 && !s.isBottom()) {
                        exitObligations(pc, s, sink);
                    }
                });
                int[] succ = g.succs(b);
                for (int k = 0; k < 2; k++) {
                    if (succ[k] == FunctionBlocks.OFF_END && !out[k].isBottom()) {
                        sink.violation(g.lastPc(b), new Obligation.Type("an exit or a jump", "the end of the program"), "execution falls off the end of the program", out[k]);
                    }
                }
            }
        }
        loops(fa, fa.order(), sink, loopBounds);
    }

    /** Proves each reachable loop bounded (PROOF mode), recording the bounds by head block, or records cancellation points. */
    private void loops(FunctionAnalysis fa, List<WtoElement> elements, Collector sink, Map<Integer, Long> loopBounds) {
        for (WtoElement e : elements) {
            if (!(e instanceof WtoElement.Component c)) {
                continue;
            }
            loops(fa, c.body(), sink, loopBounds);
            int h = c.head();
            if (fa.in(h).isBottom()) {
                continue;
            }
            int headPc = fa.graph().startPc(h);
            if (termination == Termination.RUNTIME) {
                BitSet body = c.blocks();
                for (int p : fa.graph().preds(h)) {
                    if (body.get(p)) {
                        cancellationPoints.set(fa.graph().lastPc(p));
                    }
                }
                continue;
            }
            OptionalLong n = LoopBound.iterations(fa, c);
            java.util.OptionalInt unrolled = fa.unrolledVisits(h);
            if (unrolled.isPresent() && (n.isEmpty() || Long.compareUnsigned(unrolled.getAsInt(), n.getAsLong()) < 0)) {
                n = OptionalLong.of(unrolled.getAsInt());
            }
            n.ifPresent(iterations -> loopBounds.put(h, iterations));
            if (n.isEmpty()) {
                sink.violation(headPc, new Obligation.BoundedLoop(java.util.OptionalInt.of(headPc), OptionalLong.empty(), maxInstructions),
                        "cannot prove that the loop at pc " + headPc
                        + " terminates: no counter found that moves toward a bound on every iteration", fa.in(h));
            } else if (Long.compareUnsigned(n.getAsLong(), maxInstructions) > 0 && env.eim().isPresent()
                    && env.eim().get().platform().limitWords(dev.warden.eim.LimitKind.INSTRUCTIONS).isPresent()) {
                // Each iteration runs at least one instruction: more iterations than the class's
                // instruction limit may run more instructions than it allows.
                sink.violation(headPc, new Obligation.Limit("loop iterations", n.getAsLong(), maxInstructions), "the loop at pc " + headPc + " may run "
                        + Long.toUnsignedString(n.getAsLong()) + " times; "
                        + env.eim().get().platform().limitWords(dev.warden.eim.LimitKind.INSTRUCTIONS).get(), fa.in(h));
            } else if (Long.compareUnsigned(n.getAsLong(), maxInstructions) > 0) {
                sink.violation(headPc, new Obligation.BoundedLoop(java.util.OptionalInt.of(headPc), n, maxInstructions), "the loop at pc " + headPc + " may run "
                        + Long.toUnsignedString(n.getAsLong()) + " times, more than the limit of " + maxInstructions
                        + " instructions", fa.in(h));
            }
        }
    }


    private void exitObligations(int pc, AbstractState s, Collector sink) {
        Value r0 = s.reg(0);
        if (env.program().section().equals(".text")) {
            // A .text function verified on its own is a subprogram: its caller checks what it reads of
            // r0 (an unset r0 is a void function's), and no program type's return range applies.
        } else if (env.eim().isPresent() && !env.eim().get().platform().entryReturnsValue()) {
            // An EIM entry that returns void: the host reads nothing from r0.
        } else if (r0 instanceof Value.Uninit) {
            sink.violation(pc, Obligation.Initialised.register(0), "R0 (the return value) is not set on every path to this exit", s);
        } else if (env.eim().isPresent()) {
            dev.warden.verifier.eim.ExitConstraints.check(env.eim().get().platform(), env.eim().get().prover(), s, pc,
                    sink.line(pc).map(l -> " (" + l + ")").orElse(""), sink);
        } else if (env.type().isPresent() && env.type().get().returnRange().isPresent()) {
            ProgramType t = env.type().get();
            HelperPrototype.Range r = t.returnRange().get();
            if (!(r0 instanceof Value.Num n) || n.scalar().s64().lo() < r.min() || n.scalar().s64().hi() > r.max()) {
                sink.violation(pc, new Obligation.ReturnRange(r.min(), r.max()), "a " + t.name() + " program must return a value in ["
                        + r.min() + ", " + r.max() + "], but R0 may be " + r0, s);
            }
        }
        for (int ref : s.refs()) {
            if (Locks.isMarker(ref)) {
                Locks.heldBy(ref).ifPresent(l -> sink.violation(pc, new Obligation.ReferenceReleased(l.lockName, java.util.OptionalInt.empty()), l.lockName
                        + " may still be held at this exit: call " + l.unlockName + " first", s));
                continue;
            }
            sink.violation(pc, new Obligation.ReferenceReleased("a reference", java.util.OptionalInt.of(ref - 1)),
                    "the reference acquired at pc " + (ref - 1)
                    + " may not be released on this path to exit", s);
        }
    }
}
