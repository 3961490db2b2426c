package dev.warden.runtime.kernel;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.TreeSet;

/**
 * The least BTF the kernel needs to load a program with subprograms the way libbpf does: one
 * static {@code int f(void)} function type per subprogram and a {@code func_info} record for each
 * start. The kernel insists on {@code func_info} for a program that takes a function's address
 * ({@code bpf_loop}'s callback: "missing btf func_info"); it checks argument types only for global
 * functions, so static ones with an empty prototype satisfy it. Built from the code, because an
 * object's own BTF needs libbpf's fix-ups (section sizes and offsets) before the kernel takes it.
 */
final class SubprogramBtf {
    private SubprogramBtf() {}

    private static final int BPF_BTF_LOAD = 18;
    private static final int KIND_INT = 1;
    private static final int KIND_FUNC_PROTO = 13;
    private static final int KIND_FUNC = 12;

    /** The instruction offsets (slots) where the kernel will see subprograms start: 0 and every call or address target. */
    static List<Integer> starts(Program program) {
        TreeSet<Integer> starts = new TreeSet<>();
        starts.add(0);
        for (int i = 0; i < program.size(); i++) {
            Instruction insn = program.get(i);
            int pc = program.pcOf(i);
            if (insn instanceof Instruction.Call c && c.kind() == Instruction.CallKind.LOCAL) {
                starts.add(pc + c.imm() + 1);
            } else if (insn instanceof Instruction.LoadImm64 l && l.pseudo() == Pseudo.FUNC) {
                starts.add(pc + l.imm() + 1);
            }
        }
        return List.copyOf(starts);
    }

    /** Loaded BTF and the {@code func_info} array (8-byte records: insn_off, type_id) that goes with it. */
    record Loaded(int fd, byte[] funcInfo, int count) implements AutoCloseable {
        @Override
        public void close() {
            Bpf.close(fd);
        }
    }

    /** Loads the BTF for {@code starts}; throws {@link IllegalStateException} if the kernel refuses it. */
    static Loaded load(List<Integer> starts) {
        // Types: [1] int, [2] int (void), [3..] one FUNC per subprogram. Strings: "\0int\0f\0".
        ByteBuffer types = ByteBuffer.allocate(16 + 12 + 12 * starts.size()).order(ByteOrder.LITTLE_ENDIAN);
        types.putInt(1).putInt(KIND_INT << 24).putInt(4).putInt((1 << 24) | 32); // signed, 32 bits
        types.putInt(0).putInt(KIND_FUNC_PROTO << 24).putInt(1);
        for (int i = 0; i < starts.size(); i++) {
            types.putInt(5).putInt(KIND_FUNC << 24).putInt(2); // linkage static (0)
        }
        byte[] strings = "\0int\0f\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        ByteBuffer btf = ByteBuffer.allocate(24 + types.capacity() + strings.length).order(ByteOrder.LITTLE_ENDIAN);
        btf.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24)
                .putInt(0).putInt(types.capacity()).putInt(types.capacity()).putInt(strings.length);
        btf.put(types.array()).put(strings);
        ByteBuffer info = ByteBuffer.allocate(8 * starts.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < starts.size(); i++) {
            info.putInt(starts.get(i)).putInt(3 + i);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, btf.array());
            MemorySegment attr = arena.allocate(Bpf.ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_LONG, 0, data.address());
            attr.set(ValueLayout.JAVA_INT, 16, btf.capacity());
            Bpf.Ret r = Bpf.call(BPF_BTF_LOAD, attr);
            if (r.failed()) {
                throw new IllegalStateException("BPF_BTF_LOAD of the subprograms' BTF: " + Bpf.describe(r.errno()));
            }
            return new Loaded((int) r.value(), info.array(), starts.size());
        }
    }
}
