package dev.warden.runtime.kernel;

import dev.warden.isa.Program;
import dev.warden.isa.cfg.ControlFlowGraph;
import dev.warden.isa.cfg.Subprogram;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The least BTF the kernel wants of a program with bpf-to-bpf functions before it lets one of
 * them tail-call ("tail_call is not allowed in subprogs without BTF"): one {@code FUNC} per
 * function, each {@code int f(void *ctx)}, static but the entry, loaded with {@code BPF_BTF_LOAD},
 * and the {@code func_info} records (instruction offset, type id) that tie them to the program's
 * functions. What clang emits with {@code -g}, reduced to what the verifier reads here.
 */
final class FunctionsBtf implements AutoCloseable {
    private static final int BTF_MAGIC = 0xeB9F;
    private static final int KIND_INT = 1;
    private static final int KIND_PTR = 2;
    private static final int KIND_FUNC = 12;
    private static final int KIND_FUNC_PROTO = 13;
    private static final int LINKAGE_STATIC = 0;
    private static final int LINKAGE_GLOBAL = 1;
    /** {@code struct bpf_func_info}: insn_off, type_id. */
    static final int FUNC_INFO_SIZE = 8;

    private final int fd;
    private final MemorySegment funcInfo;
    private final int count;

    private FunctionsBtf(int fd, MemorySegment funcInfo, int count) {
        this.fd = fd;
        this.funcInfo = funcInfo;
        this.count = count;
    }

    /** Loads the BTF of {@code program}'s functions; its func_info lives in {@code arena}. */
    static FunctionsBtf load(Program program, Arena arena) {
        List<Subprogram> functions = ControlFlowGraph.of(program).functions();
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        strings.write(0);
        int intName = string(strings, "int");
        int ctxName = string(strings, "ctx");
        ByteBuffer types = ByteBuffer.allocate(64 + 16 * functions.size()).order(ByteOrder.LITTLE_ENDIAN);
        // 1: int; 2: void *; 3: int (void *ctx); 4..: one FUNC per function.
        type(types, intName, KIND_INT, 0, 4).putInt(0x01 << 24 | 32); // signed, 32 bits
        type(types, 0, KIND_PTR, 0, 0);
        type(types, 0, KIND_FUNC_PROTO, 1, 1).putInt(ctxName).putInt(2);
        MemorySegment info = arena.allocate((long) FUNC_INFO_SIZE * functions.size(), 4);
        for (int k = 0; k < functions.size(); k++) {
            int entry = functions.get(k).entry();
            int name = string(strings, entry == 0 ? "entry" : "f" + entry);
            type(types, name, KIND_FUNC, entry == 0 ? LINKAGE_GLOBAL : LINKAGE_STATIC, 3);
            info.set(ValueLayout.JAVA_INT, (long) FUNC_INFO_SIZE * k, entry);
            info.set(ValueLayout.JAVA_INT, (long) FUNC_INFO_SIZE * k + 4, 4 + k);
        }
        byte[] t = java.util.Arrays.copyOf(types.array(), types.position());
        byte[] s = strings.toByteArray();
        ByteBuffer blob = ByteBuffer.allocate(24 + t.length + s.length).order(ByteOrder.LITTLE_ENDIAN);
        blob.putShort((short) BTF_MAGIC).put((byte) 1).put((byte) 0).putInt(24)
                .putInt(0).putInt(t.length).putInt(t.length).putInt(s.length).put(t).put(s);
        MemorySegment raw = arena.allocate(blob.capacity(), 8);
        MemorySegment.copy(blob.array(), 0, raw, ValueLayout.JAVA_BYTE, 0, blob.capacity());
        MemorySegment log = arena.allocate(1 << 16);
        MemorySegment attr = arena.allocate(Bpf.ATTR_SIZE, 8);
        attr.set(ValueLayout.JAVA_LONG, Bpf.BTF_DATA, raw.address());
        attr.set(ValueLayout.JAVA_LONG, Bpf.BTF_LOG_BUF, log.address());
        attr.set(ValueLayout.JAVA_INT, Bpf.BTF_SIZE, blob.capacity());
        attr.set(ValueLayout.JAVA_INT, Bpf.BTF_LOG_SIZE, (int) log.byteSize());
        attr.set(ValueLayout.JAVA_INT, Bpf.BTF_LOG_LEVEL, 1);
        Bpf.Ret r = Bpf.call(Bpf.BPF_BTF_LOAD, attr);
        if (r.failed()) {
            throw new IllegalStateException("BPF_BTF_LOAD of the functions' BTF: " + Bpf.describe(r.errno()) + "\n" + log.getString(0));
        }
        return new FunctionsBtf((int) r.value(), info, functions.size());
    }

    private static int string(ByteArrayOutputStream strings, String s) {
        int at = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        strings.write(0);
        return at;
    }

    /** A {@code struct btf_type}: name, info (kind, vlen), size or type; the caller appends what follows it. */
    private static ByteBuffer type(ByteBuffer b, int name, int kind, int vlen, int sizeOrType) {
        return b.putInt(name).putInt(kind << 24 | vlen).putInt(sizeOrType);
    }

    /** Puts the BTF and func_info into a {@code BPF_PROG_LOAD} attribute. */
    void describe(MemorySegment attr) {
        attr.set(ValueLayout.JAVA_INT, Bpf.LOAD_PROG_BTF_FD, fd);
        attr.set(ValueLayout.JAVA_INT, Bpf.LOAD_FUNC_INFO_REC_SIZE, FUNC_INFO_SIZE);
        attr.set(ValueLayout.JAVA_LONG, Bpf.LOAD_FUNC_INFO, funcInfo.address());
        attr.set(ValueLayout.JAVA_INT, Bpf.LOAD_FUNC_INFO_CNT, count);
    }

    @Override
    public void close() {
        Bpf.close(fd);
    }
}
