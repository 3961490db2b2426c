package dev.warden.isa.elf;

import java.util.List;

/**
 * Bytes that are not a usable {@code clang -target bpf} object. Carries every error found, each
 * located by file offset and section; {@link #getMessage()} lists them one per line.
 */
public final class ElfFormatException extends Exception {
    private final List<ElfError> errors;

    public ElfFormatException(List<ElfError> errors) {
        super(render(errors), null, false, false);
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a format error needs at least one located error");
        }
        this.errors = List.copyOf(errors);
    }

    public ElfFormatException(ElfError error) {
        this(List.of(error));
    }

    public List<ElfError> errors() {
        return errors;
    }

    private static String render(List<ElfError> errors) {
        StringBuilder sb = new StringBuilder();
        for (ElfError e : errors) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(e);
        }
        return sb.toString();
    }
}
