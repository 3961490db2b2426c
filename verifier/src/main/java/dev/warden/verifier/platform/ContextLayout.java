package dev.warden.verifier.platform;

import java.util.List;
import java.util.Optional;

/**
 * The context a program type receives in r1: its size and the fields it may access. An access
 * must lie inside one field; anything else is a violation.
 */
public record ContextLayout(String structName, int size, List<ContextField> fields) {
    public ContextLayout {
        fields = List.copyOf(fields);
        for (ContextField f : fields) {
            if (f.end() > size) {
                throw new IllegalArgumentException(structName + "." + f.name() + " ends after the context's " + size + " bytes");
            }
        }
    }

    /** The field that contains {@code [offset, offset + size)}, if one does. */
    public Optional<ContextField> fieldContaining(long offset, int size) {
        for (ContextField f : fields) {
            if (offset >= f.offset() && offset + size <= f.end()) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
