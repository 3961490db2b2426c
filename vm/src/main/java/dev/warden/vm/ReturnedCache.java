package dev.warden.vm;

/** The shared {@link ExecResult.Returned} values of {@link ExecResult#returned}. */
final class ReturnedCache {
    static final int LOW = -128;
    static final int HIGH = 255;
    static final ExecResult.Returned[] VALUES = new ExecResult.Returned[HIGH - LOW + 1];

    static {
        for (int i = 0; i < VALUES.length; i++) {
            VALUES[i] = new ExecResult.Returned(i + LOW);
        }
    }

    private ReturnedCache() {}
}
