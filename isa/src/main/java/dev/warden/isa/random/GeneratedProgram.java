package dev.warden.isa.random;

import dev.warden.isa.Program;

/**
 * A program made by {@link RandomProgramGenerator}, with what is needed to replay and observe it.
 *
 * <p>Its contract, which harnesses rely on: it first writes every register r0-r9 and every byte
 * of its stack area; it reads no register before writing it, it never reads r1 as a context;
 * it touches only the {@code options.stackBytes()} bytes below r10, with aligned accesses; its
 * only {@code exit} is its last instruction, and every path reaches it (loops are bounded);
 * it calls nothing. So its final state — r0-r9 and the stack area — is a deterministic
 * function of the program alone.
 *
 * @param seed    the seed that {@link RandomProgramGenerator#generate} turns into this program
 * @param options the options it was generated with
 * @param program the program
 */
public record GeneratedProgram(long seed, GeneratorOptions options, Program program) {}
