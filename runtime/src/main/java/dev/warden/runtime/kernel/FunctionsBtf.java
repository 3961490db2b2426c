package dev.warden.runtime.kernel;

import dev.warden.isa.Program;
import dev.warden.isa.cfg.ControlFlowGraph;
import dev.warden.isa.cfg.Subprogram;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * The least BTF the kernel wants of a program with bpf-to-bpf functions or callbacks before it
 * lets a subprogram tail-call ("tail_call is not allowed in subprogs without BTF") or takes a
 * function's address ({@code bpf_loop}: "missing btf func_info"): one {@code FUNC} per function,
 * each {@code int f(void *ctx)}, static but the entry, loaded with {@code BPF_BTF_LOAD}
 * ({@link MinimalBtf}), and the {@code func_info} records (instruction offset, type id) that tie
 * them to the program's functions. What clang emits with {@code -g}, reduced to what the verifier
 * reads here; built from the code, because an object's own BTF needs libbpf's fix-ups first.
 */
final class FunctionsBtf implements AutoCloseable {
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
        MinimalBtf btf = new MinimalBtf();
        int proto = btf.prototype(btf.signedInteger("int", 4), "ctx", btf.pointer(0));
        MemorySegment info = arena.allocate((long) FUNC_INFO_SIZE * functions.size(), 4);
        for (int k = 0; k < functions.size(); k++) {
            int entry = functions.get(k).entry();
            int type = entry == 0 ? btf.function("entry", proto, MinimalBtf.Linkage.GLOBAL) : btf.function("f" + entry, proto);
            info.set(ValueLayout.JAVA_INT, (long) FUNC_INFO_SIZE * k, entry);
            info.set(ValueLayout.JAVA_INT, (long) FUNC_INFO_SIZE * k + 4, type);
        }
        return new FunctionsBtf(btf.load(), info, functions.size());
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
