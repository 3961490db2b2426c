package dev.warden.runtime.linux;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link TimerClock} that moves only when a test says so: timers fire without the test sleeping. */
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

    /** Moves the clock {@code nanos} forward and wakes whoever waits for a deadline. */
    public void advance(long nanos) {
        now.addAndGet(nanos);
        listeners.forEach(Runnable::run);
    }
}
