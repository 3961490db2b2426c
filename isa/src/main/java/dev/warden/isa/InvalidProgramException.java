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

    /** At most this many errors are spelled out in the message; {@link #errors()} keeps them all. */
    static final int SHOWN = 20;

    private static String render(List<IsaError> errors) {
        StringBuilder sb = new StringBuilder();
        for (IsaError e : errors.subList(0, Math.min(SHOWN, errors.size()))) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(e);
        }
        if (errors.size() > SHOWN) {
            // Random bytes give one error per slot; a screenful says as much as thousands.
            sb.append("\n... and ").append(errors.size() - SHOWN).append(" more errors");
        }
        return sb.toString();
    }
}
