package dev.warden.runtime.host;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The arguments of one invocation of an EIM entry ({@link Extension#invoke(Extension.Entry, EntryArguments)}),
 * in the order of the entry's prototype: for {@code (Request *r, u32 n) -> int},
 * {@code EntryArguments.of(Argument.memory(request), Argument.scalar(n))}.
 *
 * <p>A <b>pointer argument</b> is host memory laid out as the pointee's C type in the policy, of
 * exactly {@code sizeof} bytes: a {@link Argument.Memory} segment or a {@link Argument.Bytes} array.
 * The extension gets the address of a region of its CPU's own that holds a copy of those bytes;
 * when the class lets it write the object, what it wrote is copied back into the segment or the
 * array after the run (also after a fault: what a run wrote before faulting stays written, as for
 * maps). A <b>scalar argument</b> is a {@code long} holding a value of the parameter's C type as
 * the host passes it in a register: sign-extended for signed types, zero-extended otherwise.
 *
 * <p>A <b>pointee</b> is an object a pointer field of an argument's object points to, when the
 * class grants something through that field ({@code read(*r->hdr)}): the host gives it by the
 * pointer's path in the policy, {@code withPointee("r->hdr", Argument.memory(header))}. The
 * runtime copies it into a region of the CPU's own of its type's size (for a buffer behind a
 * {@code u8 *}, as far as the class's literal slices reach; the pointee given must hold at least
 * that), copies back what the class lets the extension write, and points the field in the
 * argument's copy at it. A field whose pointee is not given is NULL in the copy, which the
 * extension must check, unless the entry promises {@code non_null} of it: then the invocation is
 * refused. The pointer value the host's own object holds is never shown to the extension.
 *
 * @param pointees the objects behind pointer fields, by path ({@code r->hdr}, {@code r->hdr->next})
 */
public record EntryArguments(List<Argument> values, Map<String, Argument> pointees) {
    public EntryArguments {
        values = List.copyOf(values);
        if (values.size() > 5) {
            throw new IllegalArgumentException("an entry takes at most five arguments (r1-r5), not " + values.size());
        }
        pointees = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(pointees));
        for (Map.Entry<String, Argument> e : pointees.entrySet()) {
            if (e.getValue() instanceof Argument.Scalar) {
                throw new IllegalArgumentException("the pointee of " + e.getKey() + " is an object (Argument.memory or Argument.bytes), not a scalar");
            }
        }
    }

    /** Arguments with no pointee behind any pointer field. */
    public EntryArguments(List<Argument> values) {
        this(values, Map.of());
    }

    /** These arguments with {@code pointee} behind the pointer field at {@code path} ({@code r->hdr}). */
    public EntryArguments withPointee(String path, Argument pointee) {
        Map<String, Argument> p = new java.util.TreeMap<>(pointees);
        p.put(Objects.requireNonNull(path), Objects.requireNonNull(pointee));
        return new EntryArguments(values, p);
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
        return new EntryArguments(v, pointees);
    }
}
