package dev.warden.runtime.kernel;

/** Whether the kernel oracle can be used on this machine, and why not. */
public sealed interface Availability {

    /** bpf() loads and test-runs programs; {@code kernelRelease} is {@code uname -r}. */
    record Available(String kernelRelease) implements Availability {}

    /** The oracle cannot be used; {@code reason} says what was tried and what failed. */
    record Unavailable(String reason) implements Availability {}
}
