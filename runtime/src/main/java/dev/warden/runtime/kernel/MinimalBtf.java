package dev.warden.runtime.kernel;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A few BTF types written by hand and loaded with {@code BPF_BTF_LOAD}: what the kernel needs to
 * see where libbpf would have passed the object's own BTF (whose section sizes and offsets only
 * libbpf's fix-ups make loadable). Types get ids from 1 in the order they are added.
 */
final class MinimalBtf {
    private static final int KIND_INT = 1;
    private static final int KIND_PTR = 2;
    private static final int KIND_ARRAY = 3;
    private static final int KIND_STRUCT = 4;
    private static final int KIND_FUNC = 12;
    private static final int KIND_FUNC_PROTO = 13;

    private final ByteArrayOutputStream types = new ByteArrayOutputStream();
    private final ByteArrayOutputStream strings = new ByteArrayOutputStream();
    private int next = 1;

    MinimalBtf() {
        strings.write(0);
    }

    private int string(String s) {
        int off = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        strings.write(0);
        return off;
    }

    private int put(int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int w : words) {
            b.putInt(w);
        }
        types.writeBytes(b.array());
        return next++;
    }

    /** An unsigned integer of {@code bytes} (1, 2, 4, 8 or 16). */
    int integer(String name, int bytes) {
        return put(string(name), KIND_INT << 24, bytes, bytes * 8);
    }

    /** An array of {@code length} elements of {@code element}, indexed by {@code index}. */
    int array(int element, int index, int length) {
        return put(0, KIND_ARRAY << 24, 0, element, index, length);
    }

    /** A struct of {@code size} bytes with one member of {@code type} at byte {@code offset} (the rest is padding). */
    int struct(String name, int size, String member, int type, int offset) {
        return put(string(name), KIND_STRUCT << 24 | 1, size, string(member), type, offset * 8);
    }

    /** A signed integer of {@code bytes} (1, 2, 4, 8 or 16). */
    int signedInteger(String name, int bytes) {
        return put(string(name), KIND_INT << 24, bytes, 1 << 24 | bytes * 8);
    }

    /** A pointer to {@code target} (0: {@code void *}). */
    int pointer(int target) {
        return put(0, KIND_PTR << 24, target);
    }

    /** A prototype returning {@code returnType} with no parameters. */
    int prototype(int returnType) {
        return put(0, KIND_FUNC_PROTO << 24, returnType);
    }

    /** A prototype returning {@code returnType} with one parameter {@code parameter} of {@code type}. */
    int prototype(int returnType, String parameter, int type) {
        return put(0, KIND_FUNC_PROTO << 24 | 1, returnType, string(parameter), type);
    }

    /** How a function is visible: the kernel checks the argument types of global functions only. */
    enum Linkage { STATIC, GLOBAL }

    /** A static function of prototype {@code prototype}. */
    int function(String name, int prototype) {
        return function(name, prototype, Linkage.STATIC);
    }

    /** A function of prototype {@code prototype} with {@code linkage}. */
    int function(String name, int prototype, Linkage linkage) {
        return put(string(name), KIND_FUNC << 24 | linkage.ordinal(), prototype);
    }

    /** Loads the types; the caller closes the descriptor. Throws {@link IllegalStateException} if the kernel refuses them. */
    int load() {
        byte[] t = types.toByteArray();
        byte[] s = strings.toByteArray();
        ByteBuffer btf = ByteBuffer.allocate(24 + t.length + s.length).order(ByteOrder.LITTLE_ENDIAN);
        btf.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24)
                .putInt(0).putInt(t.length).putInt(t.length).putInt(s.length).put(t).put(s);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, btf.array());
            MemorySegment log = arena.allocate(1 << 16);
            MemorySegment attr = arena.allocate(Bpf.ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_LONG, Bpf.BTF_DATA, data.address());
            attr.set(ValueLayout.JAVA_INT, Bpf.BTF_SIZE, btf.capacity());
            attr.set(ValueLayout.JAVA_LONG, Bpf.BTF_LOG_BUF, log.address());
            attr.set(ValueLayout.JAVA_INT, Bpf.BTF_LOG_SIZE, (int) log.byteSize());
            attr.set(ValueLayout.JAVA_INT, Bpf.BTF_LOG_LEVEL, 1);
            Bpf.Ret r = Bpf.call(Bpf.BPF_BTF_LOAD, attr);
            if (r.failed()) {
                throw new IllegalStateException("BPF_BTF_LOAD: " + Bpf.describe(r.errno()) + "\n" + log.getString(0));
            }
            return (int) r.value();
        }
    }
}
