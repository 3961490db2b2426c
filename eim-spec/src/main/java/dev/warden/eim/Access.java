package dev.warden.eim;

/** {@code read(path)} or {@code write(path)}. */
public record Access(AccessOp op, Path path) {
    @Override
    public String toString() {
        return op.keyword() + "(" + path + ")";
    }
}
