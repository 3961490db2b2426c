package dev.warden.domains;

/**
 * An interval {@code [lo, hi]} over any {@link BitVectors} representation, read unsigned by
 * {@link URanges} and signed by {@link SRanges}. Empty (bottom) when {@code lo > hi} in that order.
 */
public record RangeOf<V>(V lo, V hi) {}
