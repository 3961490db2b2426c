package dev.warden.domains;

/**
 * A tristate number over any {@link BitVectors} representation: bit {@code i} is unknown where
 * {@code mask} has it set, and equal to {@code value}'s bit elsewhere. Well-formed when
 * {@code value & mask == 0}; a pair with a bit set in both stands for no value at all (bottom).
 * The verifier uses {@link Tnum}; this generic form is what the operators are written on.
 */
public record TnumOf<V>(V value, V mask) {}
