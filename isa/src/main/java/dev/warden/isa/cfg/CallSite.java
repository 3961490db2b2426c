package dev.warden.isa.cfg;

/**
 * A local call: the instruction at {@code pc} (the last of block {@code block}) calls the function
 * whose entry is {@code target}.
 */
public record CallSite(int pc, int block, int target) {}
