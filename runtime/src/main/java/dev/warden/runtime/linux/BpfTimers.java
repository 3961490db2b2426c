package dev.warden.runtime.linux;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The {@code struct bpf_timer}s of one version of an object, with Linux's semantics
 * ({@code kernel/bpf/helpers.c}): initialised on a clock, given a callback, started (re-armed),
 * cancelled, and freed with the element that holds them. A timer is known by its address in a map
 * value; its state lives here, not in the value's 16 bytes, which programs cannot read anyway (the
 * verifier refuses any access to them but the helpers').
 *
 * <p><b>Firing.</b> Due timers' callbacks run one at a time on one scheduler thread per version
 * (a daemon, started by the first {@code bpf_timer_start}), each on one of the version's CPUs
 * ({@link Firing}), so a callback never races a run on the same CPU. One thread per version rather
 * than per runtime: closing a version waits only for its own callbacks, and one extension's slow
 * callback never delays another's. Callbacks running one at a time also means a callback never
 * waits for another to finish, so two callbacks cancelling each other cannot deadlock.
 *
 * <p><b>Lifetime.</b> An element deleted, evicted or overwritten frees its timer
 * ({@link #released}, Linux's {@code bpf_timer_cancel_and_free}): it never fires again, and a
 * callback already running finishes on the value's memory, which the maps keep until the last
 * version closes. {@link #close} frees every timer and waits for a running callback.
 *
 * <p>Thread-safe: one lock guards the state; callbacks run outside it.
 */
final class BpfTimers implements LinuxMap.ValueRelease, AutoCloseable {
    static final int CLOCK_REALTIME = 0;
    static final int CLOCK_MONOTONIC = 1;
    static final int CLOCK_BOOTTIME = 7;
    /** {@code BPF_F_TIMER_ABS}: the start's time is absolute on the timer's clock. */
    static final long BPF_F_TIMER_ABS = 1;
    /** {@code BPF_F_TIMER_CPU_PIN}: the callback runs on the CPU of the run that started the timer. */
    static final long BPF_F_TIMER_CPU_PIN = 2;

    /** How a due timer's callback runs: on a CPU of the version ({@link LoadedObject}). */
    interface Firing {
        /**
         * Runs {@code timer}'s callback on CPU {@code cpu} ({@link #ANY_CPU}: whichever is free) when
         * {@link #begin}{@code (timer, generation)} agrees once the CPU is held, then calls
         * {@link #end}; does nothing once the version is retired.
         */
        void fire(Timer timer, long generation, int cpu);
    }

    /** A firing's CPU when the start did not pin it ({@link #BPF_F_TIMER_CPU_PIN}). */
    static final int ANY_CPU = -1;

    /** Timers that never fire: {@code warden exec} runs a program once and reports what it left armed. */
    static final Firing NEVER = (timer, generation, cpu) -> { };

    /** One initialised timer; the mutable fields are guarded by the registry's lock. */
    static final class Timer {
        final long address;
        final LinuxMap map;
        final long mapHandle;
        final LinuxMap.ValueHome home;
        final int clock;
        /** The program that set the callback (an index in the object), and the callback's function address (0: none). */
        int program = -1;
        long callback;
        boolean armed;
        long deadline;
        /** The last start's arguments, as the program gave them (for {@link #armed}). */
        long startNanos;
        long startFlags;
        /** Bumped by every start, cancel and free: a queued firing of an older generation is void. */
        long generation;
        boolean running;
        boolean freed;

        Timer(long address, LinuxMap map, long mapHandle, LinuxMap.ValueHome home, int clock) {
            this.address = address;
            this.map = map;
            this.mapHandle = mapHandle;
            this.home = home;
            this.clock = clock;
        }
    }

    /** A start's firing: due at {@code deadline} on {@code cpu} (or {@link #ANY_CPU}). */
    private record Due(long deadline, long order, Timer timer, long generation, int cpu) {}

    private final Object lock = new Object();
    private final TimerClock clock;
    private final Firing firing;
    private final String name;
    /**
     * The initialised timers by address. Changed only under {@link #lock}; a skip list so that
     * {@link #released} can see without the lock that a freed value holds no timer (an overwrite in
     * a map holding timers elsewhere then costs a lookup, not the lock other CPUs contend for).
     */
    private final ConcurrentSkipListMap<Long, Timer> byAddress = new ConcurrentSkipListMap<>();
    /**
     * {@link #byAddress}'s size, readable without the lock: a map update or delete in a version
     * without timers (nearly every one) costs one volatile read here, never the lock that runs on
     * other CPUs would contend for.
     */
    private volatile int initialised;
    private final PriorityQueue<Due> queue = new PriorityQueue<>(Comparator.comparingLong(Due::deadline).thenComparingLong(Due::order));
    private long order;
    private boolean closed;
    private Timer running;
    private Thread scheduler;
    private final List<LinuxMap> listened = new ArrayList<>();
    /** What the clock calls when it jumps, kept to be taken back at close (a clock may outlive many versions). */
    private final Runnable wakeUp = this::wake;

    BpfTimers(TimerClock clock, Firing firing, String name) {
        this.clock = clock;
        this.firing = firing;
        this.name = name;
        clock.onAdvance(wakeUp);
    }

    /** Hears of {@code maps}' freed values from now on (each version listens to the maps it uses, kept ones too). */
    void listenTo(List<LinuxMap> maps) {
        for (LinuxMap m : maps) {
            if (m.mayHoldTimers()) {
                m.listen(this);
                listened.add(m);
            }
        }
    }

    /** {@code bpf_timer_init}: 0, -EINVAL (clock), -EPERM (version closing), -EBUSY (initialised already). */
    long init(long address, LinuxMap map, long mapHandle, long flags, LinuxMap.ValueHome home) {
        if (flags != CLOCK_MONOTONIC && flags != CLOCK_REALTIME && flags != CLOCK_BOOTTIME) {
            return -Errno.EINVAL;
        }
        synchronized (lock) {
            if (closed) {
                return -Errno.EPERM;
            }
            if (byAddress.containsKey(address)) {
                return -Errno.EBUSY;
            }
            byAddress.put(address, new Timer(address, map, mapHandle, home, (int) flags));
            map.timerAdded();
            initialised = byAddress.size();
            return 0;
        }
    }

    /** {@code bpf_timer_set_callback}: 0, -EINVAL (not initialised), -EPERM (version closing). */
    long setCallback(long address, int program, long function) {
        synchronized (lock) {
            Timer t = byAddress.get(address);
            if (t == null) {
                return -Errno.EINVAL;
            }
            if (closed) {
                return -Errno.EPERM;
            }
            t.program = program;
            t.callback = function;
            return 0;
        }
    }

    /**
     * {@code bpf_timer_start} from a run on CPU {@code cpu}: 0, or -EINVAL (flags, not initialised,
     * no callback); a started timer is re-armed. With {@link #BPF_F_TIMER_CPU_PIN} the callback
     * runs on {@code cpu}, as Linux's on the starting CPU.
     */
    long start(long address, long nsecs, long flags, int cpu) {
        if ((flags & ~(BPF_F_TIMER_ABS | BPF_F_TIMER_CPU_PIN)) != 0) {
            return -Errno.EINVAL;
        }
        synchronized (lock) {
            Timer t = byAddress.get(address);
            if (t == null || t.callback == 0) {
                return -Errno.EINVAL;
            }
            long now = clock.monotonicNanos();
            long deadline;
            if ((flags & BPF_F_TIMER_ABS) != 0) {
                long onClock = t.clock == CLOCK_REALTIME ? clock.realtimeNanos() : now;
                deadline = now + Math.max(0, nsecs - onClock); // a time already past is due now, as in Linux
            } else {
                // nsecs is a u64: a huge value is a timer that (nearly) never fires.
                deadline = nsecs < 0 || now + nsecs < now ? Long.MAX_VALUE : now + nsecs;
            }
            t.armed = true;
            t.deadline = deadline;
            t.startNanos = nsecs;
            t.startFlags = flags;
            t.generation++;
            queue.add(new Due(deadline, order++, t, t.generation, (flags & BPF_F_TIMER_CPU_PIN) != 0 ? cpu : ANY_CPU));
            if (scheduler == null && firing != NEVER) {
                scheduler = Thread.ofPlatform().daemon().name("warden-timers-" + name).start(this::schedule);
            }
            lock.notifyAll();
            return 0;
        }
    }

    /**
     * {@code bpf_timer_cancel}: 1 if the timer was armed, 0 if not, -EDEADLK from its own callback,
     * -EINVAL if not initialised. It also drops the callback, as Linux's does (it releases the
     * callback's program): a later start is -EINVAL until {@code bpf_timer_set_callback} again
     * (found by the kernel differential, TimersAgreeWithTheKernelTest). Waits for the timer's
     * callback when it runs on another thread, as Linux's {@code hrtimer_cancel} does.
     */
    long cancel(long address) {
        synchronized (lock) {
            Timer t = byAddress.get(address);
            if (t == null) {
                return -Errno.EINVAL;
            }
            if (t.running && Thread.currentThread() == scheduler) {
                return -Errno.EDEADLK; // callbacks run one at a time here: a running one on this thread is the caller
            }
            t.program = -1;
            t.callback = 0;
            while (t.running) {
                awaitChange();
            }
            if (t.freed) {
                return -Errno.EINVAL;
            }
            long was = t.armed ? 1 : 0;
            t.armed = false;
            t.generation++;
            return was;
        }
    }

    /** Frees the timers inside a value that is deleted or overwritten: they never fire again (a running callback finishes). */
    @Override
    public void released(long address, long size) {
        if (initialised == 0) {
            return;
        }
        Long first = byAddress.ceilingKey(address);
        if (first == null || first >= address + size) {
            return; // no timer in this value (one initialised meanwhile is the race Linux has too)
        }
        synchronized (lock) {
            Map<Long, Timer> inside = byAddress.subMap(address, true, address + size, false);
            for (Timer t : inside.values()) {
                free(t);
            }
            inside.clear();
            initialised = byAddress.size();
            lock.notifyAll();
        }
    }

    /** Frees {@code t}, which its caller then removes from {@link #byAddress}. */
    private static void free(Timer t) {
        t.map.timerRemoved();
        t.freed = true;
        t.armed = false;
        t.generation++;
    }

    /** Timers initialised now (not freed). */
    int count() {
        synchronized (lock) {
            return byAddress.size();
        }
    }

    /** The timers armed now (started, not yet fired, cancelled or freed), by map and key. */
    List<ArmedTimer> armed() {
        synchronized (lock) {
            List<ArmedTimer> out = new ArrayList<>();
            for (Timer t : byAddress.values()) {
                if (t.armed) {
                    out.add(new ArmedTimer(t.map.name(), t.home.key(), t.address - t.home.value(), t.startNanos, t.startFlags));
                }
            }
            out.sort(Comparator.comparing(ArmedTimer::map).thenComparing(ArmedTimer::key, java.util.Arrays::compareUnsigned)
                    .thenComparingLong(ArmedTimer::offset));
            return out;
        }
    }

    /** The callback a firing runs: a function of program {@code program} (an index in the object). */
    record Callback(int program, long function) {}

    /**
     * Called by {@link Firing#fire} with a CPU held: the callback to run if the firing of
     * {@code generation} still stands (not cancelled, restarted or freed since it was due), read
     * under the lock so that a concurrent {@code set_callback} cannot mix two; the callback then
     * counts as running until {@link #end}. Empty if the firing is void.
     */
    Optional<Callback> begin(Timer t, long generation) {
        synchronized (lock) {
            if (closed || t.freed || !t.armed || t.generation != generation || t.program < 0) {
                return Optional.empty();
            }
            t.armed = false;
            t.running = true;
            running = t;
            return Optional.of(new Callback(t.program, t.callback));
        }
    }

    void end(Timer t) {
        synchronized (lock) {
            t.running = false;
            running = null;
            lock.notifyAll();
        }
    }

    /** The scheduler thread: fires due timers in deadline order until the version closes. */
    private void schedule() {
        while (true) {
            Due due;
            synchronized (lock) {
                while (true) {
                    if (closed) {
                        return;
                    }
                    Due head = queue.peek();
                    if (head == null) {
                        awaitChange();
                        continue;
                    }
                    if (head.timer().generation != head.generation() || !head.timer().armed) {
                        queue.poll(); // cancelled, restarted or freed since
                        continue;
                    }
                    long wait = head.deadline() - clock.monotonicNanos();
                    if (wait > 0) {
                        awaitNanos(wait);
                        continue;
                    }
                    due = queue.poll();
                    break;
                }
            }
            firing.fire(due.timer(), due.generation(), due.cpu());
        }
    }

    private void awaitChange() {
        try {
            lock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a timer callback", e);
        }
    }

    private void awaitNanos(long nanos) {
        try {
            long ms = Math.min(nanos / 1_000_000, Long.MAX_VALUE / 2);
            lock.wait(ms, ms == 0 ? (int) Math.max(1, nanos % 1_000_000) : (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Looks at the queue again (the clock moved). */
    void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /**
     * Frees every timer (none fires again; a later init answers -EPERM), waits for a callback
     * running on another thread and stops the scheduler thread. Idempotent.
     */
    @Override
    public void close() {
        Thread s;
        synchronized (lock) {
            closed = true;
            for (Timer t : byAddress.values()) {
                free(t);
            }
            byAddress.clear();
            initialised = 0;
            queue.clear();
            lock.notifyAll();
            boolean self = Thread.currentThread() == scheduler;
            while (running != null && !self) {
                awaitChange();
            }
            s = self ? null : scheduler;
        }
        for (LinuxMap m : listened) {
            m.unlisten(this);
        }
        clock.stopWaking(wakeUp);
        if (s != null) {
            try {
                s.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
