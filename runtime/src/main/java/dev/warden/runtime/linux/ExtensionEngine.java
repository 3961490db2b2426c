package dev.warden.runtime.linux;

/**
 * Which engine runs an attached extension. The JIT is the runtime's engine; the interpreter runs
 * the same verified code with every check (no proof is used) and exists so that a host or a test
 * can compare the two on the same inputs, or step through a run that the JIT's code hides.
 */
public enum ExtensionEngine {
    /** Compiled, with the checks the proof made redundant left out ({@link ProvedChecks}). */
    JIT,
    /**
     * The JIT with every access to EIM host memory (argument objects, host variables) checked,
     * as if the runtime did not give it whole ({@link HostLinks#covered} ignored); the stack and
     * maps as {@link #JIT}. For measuring what eliding host memory checks saves.
     */
    JIT_HOST_MEMORY_CHECKED,
    /** The reference interpreter ({@code dev.warden.runtime.Interpreter}), every access checked. */
    INTERPRETER
}
