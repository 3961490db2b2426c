package dev.warden.runtime.kernel;

/** The outcome of {@code BPF_PROG_LOAD}: a loaded program, or the kernel's refusal with its verifier log. */
public sealed interface LoadResult {

    /** The verifier accepted the program; the caller owns (and closes) it. */
    record Loaded(KernelProgram program) implements LoadResult {}

    /**
     * The kernel refused the program. {@code error} is the errno, e.g. {@code EACCES (Permission
     * denied)} for a verifier rejection; {@code log} the verifier log (its tail if it was longer
     * than the buffer; empty when the kernel wrote none).
     */
    record Rejected(String error, String log) implements LoadResult {
        /** The last non-empty line of the log, which is where the verifier states its reason. */
        public String reason() {
            String[] lines = log.strip().split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                String line = lines[i].strip();
                if (!line.isEmpty() && !line.startsWith("processed ")) {
                    return line;
                }
            }
            return error;
        }
    }
}
