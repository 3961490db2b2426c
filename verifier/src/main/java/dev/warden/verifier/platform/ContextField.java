package dev.warden.verifier.platform;

import java.util.Objects;

/**
 * A range of the context structure the program may access: {@code [offset, offset + size)}, with
 * the rights the kernel's {@code is_valid_access} gives for this program type.
 *
 * @param narrowReads whether loads narrower than {@code size} are allowed (the kernel allows them
 *     for most scalar fields, never for pointer fields)
 * @param pointee for a {@link FieldKind#BTF_ID} or {@link FieldKind#BTF_ID_OR_NULL} field, the name of
 *     the kernel struct it points to (looked up in the target BTF); {@code ""} when not known, and then
 *     nothing may be read through the pointer
 */
public record ContextField(String name, int offset, int size, FieldKind kind, boolean readable, boolean writable,
                           boolean narrowReads, String pointee) {
    public ContextField {
        Objects.requireNonNull(name);
        Objects.requireNonNull(pointee);
        Objects.requireNonNull(kind);
        if (offset < 0 || size <= 0) {
            throw new IllegalArgumentException(name + ": bad field [" + offset + ", +" + size + ")");
        }
        if (kind != FieldKind.SCALAR && writable) {
            throw new IllegalArgumentException(name + ": pointer fields are read-only");
        }
    }

    /** A field that points to no struct Warden knows by name. */
    public ContextField(String name, int offset, int size, FieldKind kind, boolean readable, boolean writable,
                        boolean narrowReads) {
        this(name, offset, size, kind, readable, writable, narrowReads, "");
    }

    public int end() {
        return offset + size;
    }
}
