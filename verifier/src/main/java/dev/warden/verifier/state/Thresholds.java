package dev.warden.verifier.state;

import java.util.Arrays;
import java.util.TreeSet;
import java.util.stream.LongStream;

/**
 * Widening thresholds: the constants a program compares with (and their neighbours), so that a
 * loop counter widens to its loop bound instead of to the type's limit. Sorted; unsigned ones in
 * unsigned order.
 */
public final class Thresholds {
    private final long[] unsigned64;
    private final long[] signed64;
    private final long[] unsigned32;
    private final long[] signed32;

    private Thresholds(long[] u64, long[] s64, long[] u32, long[] s32) {
        this.unsigned64 = u64;
        this.signed64 = s64;
        this.unsigned32 = u32;
        this.signed32 = s32;
    }

    /** Thresholds from the given program constants plus the usual type limits. */
    public static Thresholds of(LongStream constants) {
        TreeSet<Long> base = new TreeSet<>();
        for (long c : new long[] {0, 1, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffffL, 0x80000000L, 0xffffffffL, -1, -0x80000000L}) {
            base.add(c);
        }
        constants.forEach(c -> {
            base.add(c);
            base.add(c + 1);
            base.add(c - 1);
        });
        long[] all = base.stream().mapToLong(Long::longValue).toArray();
        long[] u64 = LongStream.concat(Arrays.stream(all), LongStream.of(0, -1L)).boxed()
                .sorted(Long::compareUnsigned).distinct().mapToLong(Long::longValue).toArray();
        long[] s64 = LongStream.concat(Arrays.stream(all), LongStream.of(Long.MIN_VALUE, Long.MAX_VALUE)).sorted().distinct().toArray();
        long[] u32 = LongStream.concat(Arrays.stream(all).filter(c -> c >= 0 && c <= 0xffffffffL), LongStream.of(0, 0xffffffffL))
                .sorted().distinct().toArray();
        long[] s32 = LongStream.concat(Arrays.stream(all).filter(c -> c >= Integer.MIN_VALUE && c <= Integer.MAX_VALUE),
                LongStream.of(Integer.MIN_VALUE, Integer.MAX_VALUE)).sorted().distinct().toArray();
        return new Thresholds(u64, s64, u32, s32);
    }

    public static Thresholds standard() {
        return of(LongStream.empty());
    }

    long[] unsigned64() {
        return unsigned64;
    }

    long[] signed64() {
        return signed64;
    }

    long[] unsigned32() {
        return unsigned32;
    }

    long[] signed32() {
        return signed32;
    }
}
