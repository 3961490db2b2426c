package dev.warden.runtime.linux;

/**
 * Thrown by {@code bpf_tail_call} from a program's entry function to leave the running program:
 * the run loop ({@link LinuxCpu#invoke}, or the nested one of a target that took a subprogram's
 * place) catches it and starts program {@link #program} on the same context.
 * Engines let a helper's exception through unchanged, so one mechanism serves the interpreter
 * and the JIT. Carries no stack trace: it is control flow, thrown up to 33 times per invocation.
 */
final class TailCall extends RuntimeException {
    private final int program;

    TailCall(int program) {
        super("tail call to program " + program, null, false, false);
        this.program = program;
    }

    int program() {
        return program;
    }
}
