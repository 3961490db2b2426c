package dev.warden.jit;

/**
 * Which memory accesses the compiler may emit without a region check: the seam through which a
 * {@code VerifiedProgram} will let the JIT drop the checks the verifier proved can never fail.
 *
 * <p>{@link JitEngine#load(dev.warden.isa.Program, dev.warden.vm.ExecOptions)} uses {@link #NONE}:
 * every access is checked, except one the compiler proves itself (r10 plus a constant offset that
 * lies inside the current 512-byte frame; r10 cannot be written, so such an access always lands in
 * the active frame). A verified program is compiled through
 * {@link JitEngine#load(dev.warden.isa.Program, dev.warden.vm.ExecOptions, CheckElision)} with an
 * implementation the runtime makes from the verifier's proof object (loads and stores; atomics
 * always go through {@link dev.warden.vm.Memory}, which also checks alignment).
 * An elided access must be one whose check could not fail in any run: the verifier's obligation,
 * not the JIT's.
 */
@FunctionalInterface
public interface CheckElision {

    /** Whether the load or store at {@code pc} is proved to lie inside a region that allows it. */
    boolean provedSafe(int pc);

    /** Check every access (unverified programs). */
    CheckElision NONE = pc -> false;
}
