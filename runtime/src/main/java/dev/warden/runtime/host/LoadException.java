package dev.warden.runtime.host;

import java.util.List;

/**
 * Loading failed: the object could not be read, a declared entry or map is missing, the verifier
 * rejected a program, or the JIT refused one. {@link #errors} holds one located message per
 * problem ({@code file: program pc N (file.c:12): message}); {@link #getMessage} joins them.
 */
public final class LoadException extends Exception {
    private final List<String> errors;

    public LoadException(List<String> errors) {
        super(String.join("\n", errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a load error names at least one problem");
        }
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
