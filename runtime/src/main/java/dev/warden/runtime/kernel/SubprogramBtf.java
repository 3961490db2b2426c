package dev.warden.runtime.kernel;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
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
        MinimalBtf btf = new MinimalBtf();
        int proto = btf.prototype(btf.integer("int", 4));
        ByteBuffer info = ByteBuffer.allocate(8 * starts.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (int start : starts) {
            info.putInt(start).putInt(btf.function("f", proto));
        }
        return new Loaded(btf.load(), info.array(), starts.size());
    }
}
