package dev.warden.domains;

/**
 * The reduced product of a tnum and four intervals over any {@link BitVectors} representation:
 * {@code tnum}, {@code u64} and {@code s64} describe the whole register (width {@code W}, 64 in
 * eBPF), {@code u32} and {@code s32} its low half (width {@code W/2}). The verifier uses
 * {@link Scalar}; this generic form is what the operators are written on.
 */
public record ScalarOf<V>(TnumOf<V> tnum, RangeOf<V> u64, RangeOf<V> s64, RangeOf<V> u32, RangeOf<V> s32) {}
