package dev.warden.runtime.linux;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TimerClock} that moves only when told to ({@link #advance}): for tests of extensions
 * that use {@code bpf_timer}s or read {@code bpf_ktime_get_ns}, which then neither sleep nor
 * depend on the machine's speed. Both its monotonic and its realtime readings start at one second
 * and move together. Thread-safe.
 */
public final class ManualTimerClock implements TimerClock {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    @Override
    public long monotonicNanos() {
        return now.get();
    }

    @Override
    public long realtimeNanos() {
        return now.get();
    }

    @Override
    public void onAdvance(Runnable wake) {
        listeners.add(wake);
    }

    @Override
    public void stopWaking(Runnable wake) {
        listeners.remove(wake);
    }

    /** How many schedulers it wakes (tests: a closed version must not stay among them). */
    int listeners() {
        return listeners.size();
    }

    /**
     * Moves the clock {@code nanos} forward (not backward: a monotonic clock never does) and wakes
     * the timers waiting for a deadline; the callbacks now due then run on their extension's thread.
     */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("a monotonic clock moves forward, not by " + nanos + " ns");
        }
        now.addAndGet(nanos);
        listeners.forEach(Runnable::run);
    }

    @Override
    public String toString() {
        return "manual clock at " + now.get() + " ns";
    }
}
