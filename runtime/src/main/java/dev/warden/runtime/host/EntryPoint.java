package dev.warden.runtime.host;

import dev.warden.runtime.linux.LinuxProgramType;
import java.util.Objects;

/**
 * An entry of an extension: the name the host invokes it by, the object's program that runs
 * (its name, or its section name), and the context layout it gets, here one of Linux's program
 * types: {@code xdp_md} or {@code __sk_buff} with the packet, or a tracing type's context
 * ({@code pt_regs}, a tracepoint record, u64 arguments), whose bytes the host passes where a packet
 * entry's packet goes ({@link Extension#invoke(Extension.Entry, byte[])}). An EIM class's entry declares its
 * own arguments, which {@link Extension#invoke(Extension.Entry, EntryArguments)} passes in r1..r5:
 * its programs never see the context chosen here.
 *
 * @param name what {@link Extension#entry(String)} takes
 * @param program the program's name or section in the object
 * @param type the context the program gets and the program type it is verified as
 */
public record EntryPoint(String name, String program, LinuxProgramType type) {
    public EntryPoint {
        Objects.requireNonNull(name);
        Objects.requireNonNull(program);
        Objects.requireNonNull(type);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an entry needs a name");
        }
    }

    /** An entry named after its program. */
    public static EntryPoint of(String program, LinuxProgramType type) {
        return new EntryPoint(program, program, type);
    }
}
