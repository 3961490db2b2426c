package dev.warden.runtime.kernel;

/** The outcome of one {@code BPF_PROG_TEST_RUN}. */
public sealed interface TestRunResult {

    /**
     * The program ran. {@code retval} is the low 32 bits of its r0 (the kernel reports no more),
     * {@code durationNs} the kernel's measured time per run, {@code dataOut} the packet after the run.
     */
    record Ran(int retval, long durationNs, byte[] dataOut) implements TestRunResult {
        public Ran {
            dataOut = dataOut.clone();
        }

        @Override
        public byte[] dataOut() {
            return dataOut.clone();
        }
    }

    /** The test run itself failed (bad arguments, unsupported program type); the program did not run. */
    record Failed(String error) implements TestRunResult {}
}
