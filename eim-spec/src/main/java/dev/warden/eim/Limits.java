package dev.warden.eim;

/** The resource limits of a class; a limit not written is {@code inf}. */
public record Limits(Bound instructions, Bound memory, Bound stack) {

    public static final Limits NONE = new Limits(Bound.NONE, Bound.NONE, Bound.NONE);

    public Bound get(LimitKind kind) {
        return switch (kind) {
            case INSTRUCTIONS -> instructions;
            case MEMORY -> memory;
            case STACK -> stack;
        };
    }

    Limits with(LimitKind kind, Bound b) {
        return switch (kind) {
            case INSTRUCTIONS -> new Limits(b, memory, stack);
            case MEMORY -> new Limits(instructions, b, stack);
            case STACK -> new Limits(instructions, memory, b);
        };
    }
}
