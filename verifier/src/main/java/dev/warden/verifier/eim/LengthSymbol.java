package dev.warden.verifier.eim;

import java.math.BigInteger;

/**
 * A length known only at run time that a slice grant is cut by: an entry argument's value
 * ({@code len} of {@code data[0, len)}) or an unsigned length field of an argument's object as the
 * run received it ({@code r->uri_len} of {@code r->uri[0, r->uri_len)}). Its value never changes
 * during a run, which is what lets a {@link dev.warden.verifier.state.LengthFact} name it.
 *
 * @param id     the symbol's number in length facts: 1..5 for the argument in r1..r5, from
 *               {@link #FIRST_FIELD} for fields
 * @param name   how the policy writes it ({@code len}, {@code r->uri_len})
 * @param least  the least value it can take (unsigned; 0 unless the entry's constraints say more)
 * @param most   the greatest value it can take
 * @param region for a field, the host object holding it; -1 for an argument
 * @param offset for a field, its byte offset in that object
 * @param size   for a field, its size in bytes (a load of exactly these bytes reads the symbol)
 */
public record LengthSymbol(int id, String name, long least, BigInteger most, int region, long offset, int size) {
    /** The first number of a field symbol. */
    public static final int FIRST_FIELD = 16;

    public LengthSymbol {
        if (id < 1 || least < 0 || most.signum() < 0) {
            throw new IllegalArgumentException("bad length symbol " + name);
        }
    }

    /** A length field's value in {@code object}, the bytes of its host object (little-endian, unsigned). */
    public long readFrom(java.lang.foreign.MemorySegment object) {
        long v = 0;
        for (int b = size - 1; b >= 0; b--) {
            v = v << 8 | (object.get(java.lang.foreign.ValueLayout.JAVA_BYTE, offset + b) & 0xff);
        }
        return v;
    }

    /** Whether the symbol is a field loaded from host memory (rather than an argument's register). */
    public boolean isField() {
        return region >= 0;
    }
}
