package dev.warden.runtime.fuzz;

import dev.warden.vm.Fault;

/**
 * An accepted program that faulted: a soundness bug of the verifier (or of the environment).
 *
 * @param seed the generator seed that makes the program again
 * @param listing the program as assembly, one instruction a line with its pc
 * @param maps the object's maps, one a line
 * @param input the input that made it fault, described
 * @param fault where and how it faulted
 */
public record UnsoundAccept(long seed, String listing, String maps, String input, Fault fault) {
    /** Everything needed to reproduce and read it. */
    public String describe() {
        return "program seed " + seed + " was accepted but faulted: " + fault + "\n"
                + "input: " + input + "\n"
                + "maps:\n" + maps
                + "program:\n" + listing;
    }
}
