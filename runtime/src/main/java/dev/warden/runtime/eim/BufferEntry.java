package dev.warden.runtime.eim;

import dev.warden.domains.Scalar;
import dev.warden.eim.CType;
import dev.warden.eim.Field;
import dev.warden.eim.Printer;
import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.jit.CheckElision;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.linux.ProvedChecks;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.verifier.state.Value;
import dev.warden.vm.Access;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.LoadedProgram;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An extension proved against an EIM class whose entry is shaped {@code (T *data, uN len)}, compiled
 * by the JIT and run the conformance way: r1 = a buffer, r2 = its length ({@code warden exec
 * --policy}, the benchmark workloads with {@code bench/workloads/bench.eim}).
 *
 * <p>The proof assumed that {@code data} points to {@code sizeof(T)} bytes the extension may read
 * and write and that {@code len} is a value the entry's type and constraints allow. With
 * {@link Checks#ELIDE_PROVED} the accesses the proof bounds by {@code *data} are compiled without a
 * check ({@link ProvedChecks#forEim}), so every run must honour those assumptions: {@link #run}
 * refuses a buffer shorter than {@code sizeof(T)} or a length the entry does not allow, and passes
 * the buffer read-write. A longer buffer is fine: an elided access stays inside its first
 * {@code sizeof(T)} bytes, where the check it lost would have passed.
 */
public final class BufferEntry implements AutoCloseable {

    /** Which memory checks the compiled code keeps. */
    public enum Checks {
        /** Leave out every check the proof made redundant (the normal way to run a proved extension). */
        ELIDE_PROVED,
        /** Keep every check, as for an unverified program (the benchmark's "before"). */
        KEEP_ALL
    }

    private final EimPlatform eim;
    private final LoadedProgram loaded;
    private final ProvedChecks proved;
    private final Checks checks;
    /** sizeof(*data), and the lengths the entry allows: what {@link #bufferProblem} checks, kept for every run's check. */
    private final long minBytes;
    private final Scalar lengths;

    private BufferEntry(EimPlatform eim, LoadedProgram loaded, ProvedChecks proved, Checks checks) {
        this.eim = eim;
        this.loaded = loaded;
        this.proved = proved;
        this.checks = checks;
        this.minBytes = pointee(eim);
        this.lengths = eim.entryArguments()[1] instanceof Value.Num len ? len.scalar() : Scalar.top();
    }

    private static long pointee(EimPlatform eim) {
        return eim.object(eim.argumentObject(eim.grants().entry().prototype().parameters().getFirst().name()).orElseThrow()).size();
    }

    /**
     * Why {@code eim}'s entry cannot be run on a buffer (it is not shaped {@code (T *data, uN len)}),
     * worded to follow the runner's name ("exec --policy runs an entry shaped ..."); empty when it can.
     */
    public static Optional<String> shapeProblem(EimPlatform eim) {
        List<Field> params = eim.grants().entry().prototype().parameters();
        boolean shaped = params.size() == 2 && eim.types().layout().resolve(params.get(0).type()) instanceof CType.Pointer
                && eim.types().layout().resolve(params.get(1).type()) instanceof CType.Scalar;
        if (shaped && !eim.pointerFields().isEmpty()) {
            // The buffer's bytes would be the pointer the proof follows: only the host API places pointees.
            return Optional.of("runs an entry on one buffer; class " + eim.className() + " reaches through the pointer field "
                    + eim.pointerFields().getFirst().path() + ", whose pointee only the host API passes (EntryArguments.withPointee)");
        }
        return shaped ? Optional.empty() : Optional.of("runs an entry shaped (T *data, uN len) with r1 = the buffer and"
                + " r2 = its length; " + entry(eim) + " is not");
    }

    /**
     * Why a buffer of {@code bytes} bytes cannot be passed to {@code eim}'s entry (shorter than
     * {@code sizeof(*data)}, which the proof assumes it can access, or a length the entry's type and
     * constraints do not allow); empty when it can.
     */
    public static Optional<String> bufferProblem(EimPlatform eim, long bytes) {
        List<Field> params = eim.grants().entry().prototype().parameters();
        long size = pointee(eim);
        if (bytes < size) {
            return Optional.of(entry(eim) + " points r1 to " + size + " bytes (sizeof *" + params.get(0).name()
                    + "), which the proof assumes it can access; the buffer gives " + bytes);
        }
        if (eim.entryArguments()[1] instanceof Value.Num len && !len.scalar().contains(bytes)) {
            return Optional.of("r2 = " + bytes + " (the buffer length) is not a value " + entry(eim)
                    + " guarantees: its type and constraints give " + params.get(1).name() + " in ["
                    + Long.toUnsignedString(len.scalar().u64().lo()) + ", " + Long.toUnsignedString(len.scalar().u64().hi())
                    + "] (unsigned)");
        }
        return Optional.empty();
    }

    /**
     * What a buffer run cannot provide to {@code program}, one line per instruction ("pc 3: calls
     * helper 5 ..."); empty when it needs nothing else. The run has no maps, no host variables and
     * no helper or host function with the semantics a class's grants mean (whose return
     * constraints the proof assumed), so such a program is never run this way.
     */
    public static List<String> unsupported(Program program) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < program.size(); i++) {
            String at = "pc " + program.pcOf(i) + ": ";
            switch (program.get(i)) {
                case Instruction.Call c when c.kind() == Instruction.CallKind.HELPER ->
                        out.add(at + "calls helper " + c.imm() + " (the run has no helper: use the host API for Linux's helpers)");
                case Instruction.Call c when c.kind() == Instruction.CallKind.KFUNC ->
                        out.add(at + "calls host function (kfunc) " + c.imm() + " (not bound by the runtime yet)");
                case Instruction.CallX c -> out.add(at + "calls through a register (the run has no helper)");
                case Instruction.LoadImm64 l when l.pseudo() != Pseudo.IMM64 && l.pseudo() != Pseudo.FUNC ->
                        out.add(at + "loads " + l.pseudo() + " " + l.imm() + " (the run has no map or host variable)");
                default -> { }
            }
        }
        return out;
    }

    /** {@code class C's entry e (Buffer *data, u64 len)}, for messages. */
    public static String entry(EimPlatform eim) {
        return "class " + eim.className() + "'s entry " + eim.grants().entry().name() + " "
                + eim.grants().entry().prototype().parameters().stream().map(p -> Printer.declarator(p.type(), p.name()))
                .collect(Collectors.joining(", ", "(", ")"));
    }

    /**
     * Compiles {@code proof} with the JIT, keeping the checks {@code checks} says.
     *
     * @throws IllegalArgumentException if {@code proof} was not proved against an EIM class, its
     *     class's entry is not shaped {@code (T *data, uN len)} ({@link #shapeProblem}), or the
     *     program needs a helper, host function, map or host variable ({@link #unsupported})
     * @throws dev.warden.vm.ProgramRefusedException if the JIT refuses the program
     */
    public static BufferEntry load(VerifiedProgram proof, ExecOptions options, Checks checks) {
        EimPlatform eim = proof.eimClass().orElseThrow(() -> new IllegalArgumentException(
                "a buffer run needs a program proved against an EIM class, not for a Linux program type"));
        shapeProblem(eim).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        List<String> unsupported = unsupported(proof.program());
        if (!unsupported.isEmpty()) {
            throw new IllegalArgumentException("a buffer run cannot provide what the program needs: " + String.join("; ", unsupported));
        }
        ProvedChecks proved = ProvedChecks.forEim(proof, ProvedChecks.typedArguments(eim));
        CheckElision elision = switch (checks) {
            case ELIDE_PROVED -> proved.elision();
            case KEEP_ALL -> CheckElision.NONE;
        };
        return new BufferEntry(eim, new JitEngine().load(proof.program(), options, elision), proved, checks);
    }

    /**
     * Runs on a copy of {@code input}.
     *
     * @throws IllegalArgumentException if the entry cannot be passed {@code input} ({@link #bufferProblem})
     */
    public ExecResult run(byte[] input) {
        admit(input.length);
        return loaded.run(input);
    }

    /**
     * Runs on {@code buffer} in place, read-write.
     *
     * @throws IllegalArgumentException if the entry cannot be passed {@code buffer} ({@link #bufferProblem})
     */
    public ExecResult run(MemorySegment buffer) {
        admit(buffer.byteSize());
        return loaded.run(buffer, Access.READ_WRITE);
    }

    private void admit(long bytes) {
        if (bytes < minBytes || !lengths.contains(bytes)) {
            throw new IllegalArgumentException(bufferProblem(eim, bytes).orElseThrow());
        }
    }

    /** Accesses compiled without a check (0 with {@link Checks#KEEP_ALL}). */
    public int checksElided() {
        return checks == Checks.ELIDE_PROVED ? proved.elided() : 0;
    }

    /** Memory accesses the JIT compiled, checked or not. */
    public int checksTotal() {
        return proved.total();
    }

    @Override
    public void close() {
        loaded.close();
    }
}
