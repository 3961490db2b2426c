package dev.warden.isa.random;

import dev.warden.isa.Program;

/**
 * A program made by {@link RandomProgramGenerator}, with what is needed to replay and observe it.
 *
 * <p>Its contract, which harnesses rely on: the main function first writes every register r0-r9
 * and every byte of its stack area; no function reads a register before it is written (in a
 * local function r1-r5 are its arguments), and none reads r1 as a context; every access is
 * aligned and inside the {@code options.stackBytes()} bytes below its frame's r10; the main
 * function's only {@code exit} is instruction {@code mainExit}, and every path reaches it (loops
 * are bounded, calls do not recurse); local functions (feature {@link Feature#LOCAL_CALLS}) follow
 * it, each ending in its one {@code exit}; nothing else is called. So the final state of the
 * main function — r0-r9 and its stack area — is a deterministic function of the program alone.
 *
 * @param seed     the seed that {@link RandomProgramGenerator#generate} turns into this program
 * @param options  the options it was generated with
 * @param program  the program
 * @param mainExit the index of the main function's exit
 */
public record GeneratedProgram(long seed, GeneratorOptions options, Program program, int mainExit) {
    public GeneratedProgram {
        if (!(program.get(mainExit) instanceof dev.warden.isa.Instruction.Exit)) {
            throw new IllegalArgumentException("instruction " + mainExit + " is not an exit");
        }
    }

    /** A program without local functions: the main exit is its last instruction. */
    public GeneratedProgram(long seed, GeneratorOptions options, Program program) {
        this(seed, options, program, program.size() - 1);
    }
}
