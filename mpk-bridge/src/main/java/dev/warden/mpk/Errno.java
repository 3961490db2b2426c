package dev.warden.mpk;

/**
 * A C {@code errno} value captured right after a failed call, with its symbolic name (Linux
 * numbering, the same on x86-64 and AArch64) and the C library's description.
 *
 * @param value the number, as the kernel returned it (positive)
 */
public record Errno(int value) {

    /** Invalid argument: pkey_alloc's answer where the CPU or kernel does not enable protection keys. */
    public static final int EINVAL = 22;
    /** No space left: pkey_alloc's answer when no protection key is free. */
    public static final int ENOSPC = 28;
    /** Function not implemented: the kernel lacks the system call. */
    public static final int ENOSYS = 38;
    /** Out of memory (also: too many mappings for mprotect to split). */
    public static final int ENOMEM = 12;
    /** Operation not permitted. */
    public static final int EPERM = 1;

    /** The symbolic name, e.g. {@code EINVAL}, or {@code errno 123} for numbers not listed here. */
    public String name() {
        return switch (value) {
            case 1 -> "EPERM";
            case 2 -> "ENOENT";
            case 4 -> "EINTR";
            case 7 -> "E2BIG";
            case 9 -> "EBADF";
            case 11 -> "EAGAIN";
            case 12 -> "ENOMEM";
            case 13 -> "EACCES";
            case 14 -> "EFAULT";
            case 22 -> "EINVAL";
            case 28 -> "ENOSPC";
            case 38 -> "ENOSYS";
            case 95 -> "EOPNOTSUPP";
            case 524 -> "ENOTSUPP"; // kernel-internal, but bpf() returns it
            default -> "errno " + value;
        };
    }

    /** The C library's text for this value (strerror), e.g. "Invalid argument". */
    public String description() {
        try {
            return Libc.strerror(value);
        } catch (LinkageError | IllegalCallerException e) {
            // No native access: the number and name must still print.
            return "errno " + value;
        }
    }

    /** {@code EINVAL (Invalid argument)}. */
    @Override
    public String toString() {
        return name() + " (" + description() + ")";
    }
}
