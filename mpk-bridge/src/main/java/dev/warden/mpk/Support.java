package dev.warden.mpk;

import java.util.Optional;

/** What {@link ProtectionKeys#probe()} found out about memory protection keys on this machine. */
public sealed interface Support {

    /** One line for people: {@code supported (...)} or {@code not supported: <reason>}. */
    String describe();

    /**
     * The CPU, kernel and C library all offer protection keys: a key was allocated, its rights
     * read from this thread's PKRU register, and freed again.
     *
     * @param detail what the probe saw, e.g. the key it was given
     */
    record Supported(String detail) implements Support {
        @Override
        public String describe() {
            return "supported (" + detail + ")";
        }
    }

    /**
     * Protection keys cannot be used here.
     *
     * @param reason why, in words a user can act on
     * @param errno the error the probing call returned, when the answer came from a call
     */
    record Unsupported(String reason, Optional<Errno> errno) implements Support {
        @Override
        public String describe() {
            return "not supported: " + reason;
        }
    }
}
