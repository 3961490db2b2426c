package dev.warden.jit;

import dev.warden.isa.Program;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.LoadedProgram;

/**
 * The JIT, engine "jit": compiles each loaded program to a hidden JVM class, which HotSpot then
 * compiles to machine code. Same semantics as the interpreter, checked by the differential test.
 */
public final class JitEngine implements Engine {
    public static final String NAME = "jit";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Compiles {@code program} to a hidden class for its own memory, every memory access checked:
     * the unchecked mode, for programs no proof covers.
     *
     * @throws dev.warden.vm.ProgramRefusedException if the program exceeds a limit of the JIT:
     *     functions that share more code than {@link dev.warden.isa.cfg.ControlFlowGraph} allows,
     *     or more methods and fields than one class holds (docs/jit.md, "Limits"); nothing else
     *     leaves this method
     */
    @Override
    public LoadedProgram load(Program program, ExecOptions options) {
        return new JitLoadedProgram(program, options, CheckElision.NONE);
    }

    /**
     * Compiles {@code program} with the loads and stores {@code elision} names left unchecked: the
     * entry point for a proved program. The elision comes from the proof
     * ({@link CheckElision#proved}, with the runtime's word on how it lays out each region:
     * {@code runtime.linux.ProvedChecks}); {@link #load(Program, ExecOptions)} is the same with
     * {@link CheckElision#NONE}, every check kept.
     *
     * @throws dev.warden.vm.ProgramRefusedException as {@link #load(Program, ExecOptions)}
     * @throws IllegalArgumentException if {@code elision} was proved for another program
     */
    public LoadedProgram load(Program program, ExecOptions options, CheckElision elision) {
        return new JitLoadedProgram(program, options, elision);
    }
}
