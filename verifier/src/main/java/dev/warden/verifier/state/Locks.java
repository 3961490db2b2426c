package dev.warden.verifier.state;

/**
 * Held kernel locks, kept with the references of {@link AbstractState} as markers (negative ids, so
 * they never collide with references, which are allocation sites {@code pc + 1}). References join
 * by union ("may be held"), so each lock has two markers: HELD (a path holds it) and FREE (a path
 * does not); the entry state has FREE. A lock is surely held where HELD is and FREE is not, and
 * surely free where FREE is and HELD is not.
 */
public final class Locks {
    private Locks() {}

    /** The locks a program can take; one of each at a time, as in the kernel. */
    public enum Lock {
        /** {@code bpf_rcu_read_lock} .. {@code bpf_rcu_read_unlock}. */
        RCU(-1, -2, "bpf_rcu_read_lock", "bpf_rcu_read_unlock"),
        /** {@code bpf_spin_lock} .. {@code bpf_spin_unlock} on a lock inside a map value. */
        SPIN(-3, -4, "bpf_spin_lock", "bpf_spin_unlock");

        public final int held;
        public final int free;
        public final String lockName;
        public final String unlockName;

        Lock(int held, int free, String lockName, String unlockName) {
            this.held = held;
            this.free = free;
            this.lockName = lockName;
            this.unlockName = unlockName;
        }
    }

    /** Whether a reference id is a lock marker rather than a reference to release. */
    public static boolean isMarker(int ref) {
        return ref < 0;
    }

    /** The lock a HELD marker stands for. */
    public static java.util.Optional<Lock> heldBy(int ref) {
        for (Lock l : Lock.values()) {
            if (l.held == ref) {
                return java.util.Optional.of(l);
            }
        }
        return java.util.Optional.empty();
    }

    /** The entry state: no lock held. */
    public static AbstractState initial(AbstractState s) {
        for (Lock l : Lock.values()) {
            s = s.acquire(l.free);
        }
        return s;
    }

    public static boolean mayBeHeld(AbstractState s, Lock l) {
        return s.holds(l.held);
    }

    public static boolean surelyHeld(AbstractState s, Lock l) {
        return s.holds(l.held) && !s.holds(l.free);
    }

    public static AbstractState lock(AbstractState s, Lock l) {
        return s.release(l.free).acquire(l.held);
    }

    public static AbstractState unlock(AbstractState s, Lock l) {
        return s.release(l.held).acquire(l.free);
    }

    /** Whether the state holds a reference or may hold a lock (what a tail call or an exit may not leave behind). */
    public static boolean holdsAnything(AbstractState s) {
        for (int r : s.refs()) {
            if (!isMarker(r) || heldBy(r).isPresent()) {
                return true;
            }
        }
        return false;
    }
}
