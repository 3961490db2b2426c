package dev.warden.runtime.linux;

/** Programs of {@link LinuxMapTypesTest} that tests of other packages reuse. */
public final class LinuxMapTypesTestAccess {
    /** bpf_loop summing the indices 0..6 into the caller's stack; see {@link LinuxMapTypesTest#LOOP}. */
    public static final String LOOP = LinuxMapTypesTest.LOOP;

    private LinuxMapTypesTestAccess() {}
}
