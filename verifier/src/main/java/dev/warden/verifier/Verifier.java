package dev.warden.verifier;

import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.verifier.check.Collector;
import dev.warden.verifier.check.InvariantTable;
import dev.warden.verifier.check.Log;
import dev.warden.verifier.check.SmtDischarge;
import dev.warden.verifier.eim.ConstraintProver;
import dev.warden.verifier.eim.EimPlatform;
import java.time.Duration;
import dev.warden.verifier.fixpoint.Engine;
import dev.warden.verifier.platform.KernelBtf;
import dev.warden.verifier.platform.Platform;
import dev.warden.verifier.platform.ProgramType;
import dev.warden.verifier.platform.TypedContexts;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.JoinSite;
import dev.warden.verifier.state.Locks;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Thresholds;
import dev.warden.verifier.state.Value;
import dev.warden.verifier.transfer.Env;
import dev.warden.verifier.transfer.Sink;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

/** The one entry point: proves a program safe for its program type, or says why it could not. */
public final class Verifier {
    /** The analysis recurses over loops and calls; it runs on a thread with a stack to match. */
    private static final long ANALYSIS_STACK = 256L << 20;

    private Verifier() {}

    /** Verifies one program of an object (its maps and global data come from the object). */
    public static VerificationResult verify(BpfObject object, BpfProgram program, VerifierOptions options) {
        return run(object, program, options, Optional.empty());
    }

    /**
     * Verifies one program of an object against a class of an EIM policy: the class is the
     * platform (its entry's arguments in r1-r5, its grants, calls and limits; see {@link EimPlatform}),
     * and {@code options} give the helpers' semantics, privilege, termination mode, Z3 budget and log.
     */
    public static VerificationResult verify(BpfObject object, BpfProgram program, VerifierOptions options, EimPlatform eim) {
        return run(object, program, options, Optional.of(eim));
    }

    /** Verifies a bare program (an assembly file) against a class of an EIM policy. */
    public static VerificationResult verify(Program program, VerifierOptions options, EimPlatform eim) {
        BpfProgram p = new BpfProgram("main", "", program, List.of(), List.of(), List.of());
        return verify(new BpfObject(List.of(), List.of(p), List.of(), ""), p, options, eim);
    }

    /**
     * Verifies one program of an object from a given abstract state instead of the entry state its
     * program type gives (the context in r1, the rest uninitialised): for tests and tools that put a
     * piece of code to the verifier in the middle of a larger run, such as PREVAIL's suite, whose
     * cases state their pre-conditions. {@code initial} describes the registers and the stack of the
     * entry function (one frame; {@link AbstractState#entry} and its {@code with...} methods build
     * one); the program type of {@code options} still gives the context's layout and the return
     * rule, and every lock starts free. A verdict holds for the runs that start in a state
     * {@code initial} describes, and for no others.
     *
     * @throws IllegalArgumentException when {@code initial} is bottom or has more than one frame
     */
    public static VerificationResult verifyFrom(BpfObject object, BpfProgram program, VerifierOptions options,
                                                AbstractState initial) {
        if (initial.isBottom() || initial.depth() != 0) {
            throw new IllegalArgumentException("an initial state has exactly one frame, the entry function's (got "
                    + (initial.isBottom() ? "bottom" : (initial.depth() + 1) + " frames") + ")");
        }
        return run(object, program, options, Optional.empty(), Optional.of(initial));
    }

    private static VerificationResult run(BpfObject object, BpfProgram compiled, VerifierOptions options, Optional<EimPlatform> eim) {
        return run(object, compiled, options, eim, Optional.empty());
    }

    private static VerificationResult run(BpfObject object, BpfProgram compiled, VerifierOptions options, Optional<EimPlatform> eim,
                                          Optional<AbstractState> initial) {
        long start = System.nanoTime();
        BpfProgram program = relocated(object, compiled, options);
        Optional<ProgramType> type = eim.isPresent() ? Optional.empty()
                : options.type().or(() -> options.platform().typeForSection(program.section()))
                .or(() -> BtfArguments.contextType(object, program, options.platform()))
                .map(t -> TypedContexts.forSection(t, program.section(), options.platform()::kernelBtf));
        Program code = program.program();
        ConstraintProver prover = new ConstraintProver(Duration.ofMillis(Math.max(1000, options.smt().queryMillis())));
        Platform platform = options.platform().heap().isPresent() ? options.platform()
                : eim.map(EimLimits::heap).filter(java.util.OptionalLong::isPresent)
                        .map(h -> options.platform().withHeap(h.getAsLong())).orElse(options.platform());
        Env env = new Env(object, program, platform, type, options.privilege(), Thresholds.of(constants(code)),
                new JoinSite.Ids(), eim.map(e -> new Env.EimClass(e, prover)));
        Log log = new Log(options.logLevel(), program);
        SmtDischarge smt = new SmtDischarge(env, options.smt());
        Collector collector = new Collector(program, log, smt, new InvariantTable(code.slotCount(), options.invariants()));
        long loopLimit = eim.map(e -> EimLimits.loopLimit(e, options.maxInstructions())).orElse(options.maxInstructions());
        Engine engine = new Engine(env, options.termination(), loopLimit);
        AbstractState entry = Locks.initial(initial.orElseGet(() -> AbstractState.entry(eim.isPresent()
                ? eim.get().entryArguments() : entryArguments(object, program, type))));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = Thread.ofPlatform().name("warden-verifier").stackSize(ANALYSIS_STACK).unstarted(() -> {
            try (smt; prover) {
                engine.verify(entry, collector);
                if (eim.isEmpty() && platform.helper(12).map(h -> h.name().endsWith("tail_call")).orElse(false)) {
                    dev.warden.verifier.check.TailCallStack.check(code, collector.functionStack(), collector);
                }
                eim.ifPresent(e -> EimLimits.check(e, code, collector, options.termination()));
            } catch (RuntimeException | StackOverflowError e) {
                failure.set(e);
            }
        });
        worker.start();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure.set(e);
        }
        BitSet heap = collector.memoryTargets(Sink.MemoryTarget.HEAP_OBJECT);
        heap.or(collector.memoryTargets(Sink.MemoryTarget.HEAP_GUARDED));
        BitSet mixed = (BitSet) heap.clone();
        mixed.and(collector.memoryTargets(Sink.MemoryTarget.OTHER));
        // One guard per pc: an access that reaches the heap on one path and other memory on another
        // would be confined to the heap on both.
        mixed.stream().forEach(pc -> collector.violation(pc, heapAndOther(code.at(pc)), "this access addresses the heap in"
                + " some executions and other memory in others; the heap's guard would confine both", AbstractState.BOTTOM));
        List<Violation> violations = collector.violations();
        if (failure.get() != null) {
            // Never accept what could not be analysed: the failure is a violation at the entry.
            Throwable t = failure.get();
            violations = new java.util.ArrayList<>(violations);
            violations.add(new Violation(0, Optional.empty(), new Obligation.Type("a program the verifier can analyse", t.toString()),
                    "the verifier could not analyse this program: "
                    + t, "", WitnessStatus.NOT_SEARCHED, Optional.empty(), Optional.empty()));
        }
        Stats stats = new Stats(code.size(), collector.z3Queries(), collector.proved().cardinality(), collector.accesses().cardinality(),
                System.nanoTime() - start, failure.get() == null ? engine.instructionBound() : java.util.OptionalLong.empty(),
                collector.stackUse().bytes());
        if (violations.isEmpty()) {
            return new VerificationResult.Verified(new VerifiedProgram(program, collector.proved(), engine.cancellationPoints(),
                    collector.iteratorExtent(PtrKind.ITER_KEY), collector.iteratorExtent(PtrKind.ITER_VALUE), collector.invariants(),
                    stats.maxInstructionsExecuted(), eim, heap, collector.memoryTargets(Sink.MemoryTarget.HEAP_GUARDED),
                    platform.heap()),
                    stats, log.toString());
        }
        return new VerificationResult.Rejected(violations, stats, log.toString());
    }

    /**
     * The program as it will be loaded: with its CO-RE relocations applied against the target BTF, or
     * with the offsets clang compiled in when there is none (or the object has no BTF of its own).
     */
    public static BpfProgram relocated(BpfObject object, BpfProgram program, VerifierOptions options) {
        if (program.coreRelocations().isEmpty() || object.btf().isEmpty()) {
            return program;
        }
        Optional<KernelBtf> target = options.platform().kernelBtf();
        return target.isPresent() ? target.get().relocate(program, object.btf().get()) : program;
    }

    /** Verifies a bare program (an assembly file): no maps, no line info. */
    public static VerificationResult verify(Program program, VerifierOptions options) {
        BpfProgram p = new BpfProgram("main", "", program, List.of(), List.of(), List.of());
        return verify(new BpfObject(List.of(), List.of(p), List.of(), ""), p, options);
    }

    /**
     * r1..r5 at the entry: the context in r1 (of unknown layout when the type is unknown); a
     * {@code .text} function verified on its own gets arguments typed by its BTF prototype.
     */
    private static Value[] entryArguments(BpfObject object, BpfProgram program, Optional<ProgramType> type) {
        if (program.section().equals(".text")) {
            return BtfArguments.of(object, program, type);
        }
        return new Value[] {Value.Ptr.of(PtrKind.CTX, type.isPresent() ? 0 : -1, 0)};
    }

    /** The constants the program compares with: the widening thresholds. */
    private static LongStream constants(Program p) {
        return p.instructions().stream()
                .filter(i -> i instanceof Instruction.Jump j && j.src() instanceof Imm)
                .mapToLong(i -> ((Imm) ((Instruction.Jump) i).src()).value());
    }

    /** The obligation of a load or store that reaches the heap on some paths and other memory on others. */
    private static Obligation heapAndOther(Instruction insn) {
        Obligation.Right right = insn instanceof Instruction.Load ? Obligation.Right.READ : Obligation.Right.WRITE;
        int size = switch (insn) {
            case Instruction.Load l -> l.size().bytes();
            case Instruction.StoreImm st -> st.size().bytes();
            case Instruction.StoreReg st -> st.size().bytes();
            case Instruction.Atomic a -> a.size().bytes();
            default -> 0;
        };
        return new Obligation.ValidAccess(PtrKind.HEAP, Long.MIN_VALUE, Long.MAX_VALUE, size, right);
    }
}
