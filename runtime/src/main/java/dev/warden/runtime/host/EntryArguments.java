package dev.warden.runtime.host;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The arguments of one invocation of an EIM entry ({@link Extension#invoke(Extension.Entry, EntryArguments)}),
 * in the order of the entry's prototype: for {@code (Request *r, u32 n) -> int},
 * {@code EntryArguments.of(Argument.memory(request), Argument.scalar(n))}.
 *
 * <p>A <b>pointer argument</b> is host memory laid out as the pointee's C type in the policy, of
 * exactly {@code sizeof} bytes: a {@link Argument.Memory} segment or a {@link Argument.Bytes} array.
 * A buffer the class slices at run time ({@code read(data[0, len))}) is at least the run's slice
 * ({@code len} elements); exactly those bytes are copied in, addressable and copied back.
 * The extension gets the address of a region of its CPU's own that holds a copy of those bytes;
 * when the class lets it write the object, what it wrote is copied back into the segment or the
 * array after the run (also after a fault: what a run wrote before faulting stays written, as for
 * maps). A <b>scalar argument</b> is a {@code long} holding a value of the parameter's C type as
 * the host passes it in a register: sign-extended for signed types, zero-extended otherwise.
 */
public record EntryArguments(List<Argument> values) {
    public EntryArguments {
        values = List.copyOf(values);
        if (values.size() > 5) {
            throw new IllegalArgumentException("an entry takes at most five arguments (r1-r5), not " + values.size());
        }
    }

    /** One argument. */
    public sealed interface Argument {
        /** A scalar in its register. */
        record Scalar(long value) implements Argument {}

        /** The object a pointer argument points to, in host memory (native or heap), copied in and back. */
        record Memory(MemorySegment segment) implements Argument {
            public Memory {
                Objects.requireNonNull(segment);
            }
        }

        /** The object a pointer argument points to, as bytes, copied in and back. */
        record Bytes(byte[] bytes) implements Argument {
            public Bytes {
                Objects.requireNonNull(bytes);
            }
        }

        static Argument scalar(long value) {
            return new Scalar(value);
        }

        static Argument memory(MemorySegment segment) {
            return new Memory(segment);
        }

        static Argument bytes(byte[] bytes) {
            return new Bytes(bytes);
        }
    }

    /** The arguments in prototype order. */
    public static EntryArguments of(Argument... values) {
        return new EntryArguments(List.of(values));
    }

    /** No arguments: for an entry of prototype {@code (void)}. */
    public static EntryArguments none() {
        return new EntryArguments(List.of());
    }

    /** These arguments and {@code next} after them. */
    public EntryArguments and(Argument next) {
        List<Argument> v = new ArrayList<>(values);
        v.add(Objects.requireNonNull(next));
        return new EntryArguments(v);
    }
}
