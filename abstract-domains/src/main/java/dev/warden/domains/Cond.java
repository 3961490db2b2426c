package dev.warden.domains;

/**
 * The conditions of eBPF's conditional jumps (RFC 9669, section 4.3 "Jump instructions"):
 * {@code if dst COND src goto}. {@code SET} is {@code dst & src != 0}; the {@code S}-prefixed ones
 * compare as signed numbers.
 */
public enum Cond {
    EQ, NE, GT, GE, LT, LE, SET, SGT, SGE, SLT, SLE
}
