package dev.warden.verifier.platform;

import java.util.Objects;

/**
 * A range of the context structure the program may access: {@code [offset, offset + size)}, with
 * the rights the kernel's {@code is_valid_access} gives for this program type.
 *
 * @param narrowReads whether loads narrower than {@code size} are allowed (the kernel allows them
 *     for most scalar fields, never for pointer fields)
 */
public record ContextField(String name, int offset, int size, FieldKind kind, boolean readable, boolean writable,
                           boolean narrowReads) {
    public ContextField {
        Objects.requireNonNull(name);
        Objects.requireNonNull(kind);
        if (offset < 0 || size <= 0) {
            throw new IllegalArgumentException(name + ": bad field [" + offset + ", +" + size + ")");
        }
        if (kind != FieldKind.SCALAR && writable) {
            throw new IllegalArgumentException(name + ": pointer fields are read-only");
        }
    }

    public int end() {
        return offset + size;
    }
}
