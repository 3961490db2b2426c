package dev.warden.runtime.linux;

import java.time.Instant;

/**
 * The time {@code bpf_timer}s run on: when a started timer is due. A host's extensions use
 * {@link #SYSTEM} (real monotonic time, as Linux's {@code CLOCK_MONOTONIC}); tests give a clock
 * they move by hand, so that they neither sleep nor assert wall-clock times.
 */
public interface TimerClock {
    /** Nanoseconds on a monotonic clock (any origin): deadlines are kept on this scale. */
    long monotonicNanos();

    /** Nanoseconds since the epoch ({@code CLOCK_REALTIME}): only an absolute start on a realtime timer reads it. */
    long realtimeNanos();

    /**
     * Has {@code wake} called whenever this clock jumps forward (a test's clock), so that a
     * scheduler waiting for a deadline looks again; a clock that only flows never calls it.
     */
    default void onAdvance(Runnable wake) {
    }

    /** Stops calling {@code wake} (given to {@link #onAdvance} before): its scheduler is gone. */
    default void stopWaking(Runnable wake) {
    }

    /** Real time: {@link System#nanoTime} and the system's wall clock. */
    TimerClock SYSTEM = new TimerClock() {
        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }

        @Override
        public long realtimeNanos() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public String toString() {
            return "system clock";
        }
    };
}
