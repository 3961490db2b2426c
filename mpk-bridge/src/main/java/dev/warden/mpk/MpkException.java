package dev.warden.mpk;

import java.util.Optional;

/**
 * The operating system refused to allocate a key or map a region: the message says which call,
 * why, and what the caller can do.
 */
public final class MpkException extends Exception {
    private final transient Optional<Errno> errno;

    MpkException(String message, Optional<Errno> errno) {
        super(message, null, false, false);
        this.errno = errno;
    }

    /** The error the failing call returned, if the failure came from a call. */
    public Optional<Errno> errno() {
        return errno;
    }
}
