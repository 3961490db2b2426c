package dev.warden.verifier;

/**
 * What one verification cost and found.
 *
 * @param instructions instructions in the analysed program
 * @param z3Queries obligations the domains could not decide and Z3 was asked about
 * @param checksElided memory accesses proved in bounds (the JIT compiles them without a check)
 * @param checksTotal memory accesses in the program
 * @param nanos analysis time
 */
public record Stats(int instructions, int z3Queries, int checksElided, int checksTotal, long nanos) {}
