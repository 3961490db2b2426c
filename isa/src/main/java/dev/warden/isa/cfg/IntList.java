package dev.warden.isa.cfg;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An unmodifiable {@code List<Integer>} over an {@code int[]} the graph owns and never changes:
 * the graph hands out its adjacency without copying it and without boxing it in memory.
 */
final class IntList extends AbstractList<Integer> implements RandomAccess {
    static final IntList EMPTY = new IntList(new int[0]);

    private final int[] values;

    private IntList(int[] values) {
        this.values = values;
    }

    /** Wraps {@code values}, which the caller must never change afterwards. */
    static IntList wrap(int[] values) {
        return values.length == 0 ? EMPTY : new IntList(values);
    }

    @Override
    public Integer get(int index) {
        return values[index];
    }

    @Override
    public int size() {
        return values.length;
    }
}
