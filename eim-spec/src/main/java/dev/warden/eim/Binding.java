package dev.warden.eim;

/** What a function capability lets an extension call: an eBPF helper by id or a host function by name. */
public sealed interface Binding {
    record Helper(long id) implements Binding {}

    record HostFunction(String name) implements Binding {}

    default String show() {
        return switch (this) {
            case Helper h -> "helper " + h.id();
            case HostFunction f -> "host function " + f.name();
        };
    }
}
