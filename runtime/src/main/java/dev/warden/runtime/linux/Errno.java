package dev.warden.runtime.linux;

/** The Linux error numbers helpers return, negated, as the kernel's helpers do. */
final class Errno {
    static final long EPERM = 1;
    static final long ENOENT = 2;
    static final long E2BIG = 7;
    static final long ENOMEM = 12;
    static final long EFAULT = 14;
    static final long EEXIST = 17;
    static final long EINVAL = 22;
    static final long ENOSPC = 28;
    static final long ERANGE = 34;
    static final long EAGAIN = 11;
    static final long EBUSY = 16;
    static final long EDEADLK = 35;
    static final long EOPNOTSUPP = 95;

    private Errno() {}
}
