package dev.warden.verifier.state;

import java.util.Objects;

/**
 * A value stored in {@code size} stack bytes starting at byte {@code start} of its frame (0..511,
 * where 512 is r10). Every byte of the spill refers to this record, so a fill of exactly those bytes
 * gives the value back: a pointer for 8-byte spills, a scalar (already truncated to {@code size}
 * bytes) for narrower ones.
 */
public record Spill(Value value, int start, int size) {
    public Spill {
        Objects.requireNonNull(value);
        if (value instanceof Value.Uninit) {
            throw new IllegalArgumentException("nothing to spill");
        }
    }
}
