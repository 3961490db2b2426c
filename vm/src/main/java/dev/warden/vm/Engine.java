package dev.warden.vm;

import dev.warden.isa.Program;

/**
 * A way to execute eBPF: the reference interpreter ("interp", in {@code runtime}) or the JIT
 * ("jit"). Engines are found by name through {@link java.util.ServiceLoader} (see
 * {@link Engines}); each lists its class in {@code META-INF/services/dev.warden.vm.Engine}.
 *
 * <p>Every engine implements exactly the same semantics (RFC 9669, the {@link Memory} model,
 * the same {@link Fault}s): a difference in r0, memory or fault kind is a bug in one of them.
 *
 * <p><b>Seam for the verifier.</b> Programs are unverified today, so every engine checks every
 * memory access. When the verifier lands, a {@code load(VerifiedProgram, ExecOptions)} overload
 * will be added here: the {@code VerifiedProgram} carries, per pc, the access checks (bounds,
 * alignment, call depth) the verifier proved can never fail, and an engine may omit exactly
 * those (the JIT does; the interpreter keeps them all, as the soundness oracle). Nothing else in
 * this interface changes.
 */
public interface Engine {

    /** The name {@code --engine} selects it by: "interp", "jit". */
    String name();

    /**
     * Prepares {@code program} to run (pre-decoding, compiling) with its own {@link Memory}.
     * The result runs any number of times, on one thread at a time, until closed.
     *
     * @throws ProgramRefusedException if this engine cannot prepare the program (a limit of the
     *     engine, named in the message); no other exception leaves this method
     */
    LoadedProgram load(Program program, ExecOptions options);

    /** Loads, runs once on a copy of {@code input}, and frees everything. */
    default ExecResult execute(Program program, byte[] input, ExecOptions options) {
        try (LoadedProgram loaded = load(program, options)) {
            return loaded.run(input);
        }
    }
}
