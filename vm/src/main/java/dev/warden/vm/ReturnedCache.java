package dev.warden.vm;

/**
 * The shared {@link ExecResult.Returned} values of {@link ExecResult#returned}: the values most
 * programs return (verdicts, XDP and TC actions, -1). Constants, not an array: the JIT embeds
 * each in the code, so a shared result costs no memory read beyond the result itself, where an
 * array would cost its header's and its element's cache lines (misses, after the host's own work
 * between two invocations; measured slower than allocating).
 */
final class ReturnedCache {
    static final ExecResult.Returned MINUS_ONE = new ExecResult.Returned(-1);
    static final ExecResult.Returned ZERO = new ExecResult.Returned(0);
    static final ExecResult.Returned ONE = new ExecResult.Returned(1);
    static final ExecResult.Returned TWO = new ExecResult.Returned(2);
    static final ExecResult.Returned THREE = new ExecResult.Returned(3);
    static final ExecResult.Returned FOUR = new ExecResult.Returned(4);

    private ReturnedCache() {}

    static ExecResult.Returned of(long r0) {
        if (r0 < -1 || r0 > 4) {
            return new ExecResult.Returned(r0);
        }
        return switch ((int) r0) {
            case -1 -> MINUS_ONE;
            case 0 -> ZERO;
            case 1 -> ONE;
            case 2 -> TWO;
            case 3 -> THREE;
            default -> FOUR;
        };
    }
}
