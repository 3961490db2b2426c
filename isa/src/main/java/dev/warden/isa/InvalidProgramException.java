package dev.warden.isa;

import java.util.List;

/**
 * Bytes that are not a valid eBPF program. Carries every error found, each located by
 * instruction index and field; {@link #getMessage()} lists them one per line.
 */
public final class InvalidProgramException extends Exception {
    private final List<IsaError> errors;

    public InvalidProgramException(List<IsaError> errors) {
        super(render(errors), null, false, false);
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("an invalid program needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public List<IsaError> errors() {
        return errors;
    }

    private static String render(List<IsaError> errors) {
        StringBuilder sb = new StringBuilder();
        for (IsaError e : errors) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(e);
        }
        return sb.toString();
    }
}
