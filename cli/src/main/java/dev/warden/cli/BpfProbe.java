package dev.warden.cli;

import dev.warden.mpk.Errno;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.OptionalLong;

/**
 * Asks the kernel's bpf() whether it loads programs here: BPF_PROG_LOAD of the smallest socket
 * filter ({@code r0 = 0; exit}), then closes the program. Just enough for {@code warden doctor};
 * the full binding (the kernel as an oracle) belongs in {@code runtime}.
 */
final class BpfProbe {
    private static final int BPF_PROG_LOAD = 5;
    private static final int BPF_PROG_TYPE_SOCKET_FILTER = 1;
    /** Zero-filled union bpf_attr; the kernel accepts a larger one if the tail is zero. */
    private static final long ATTR_SIZE = 128;

    private BpfProbe() {}

    /**
     * The answer.
     *
     * @param loaded whether the kernel accepted the program
     * @param detail what happened, with errno on failure
     */
    record Result(Loaded loaded, String detail) {}

    /** Whether the kernel accepted the probe program. */
    enum Loaded { YES, NO }

    static Result probe() {
        String arch = System.getProperty("os.arch", "");
        OptionalLong sysBpf = switch (arch) {
            case "amd64", "x86_64" -> OptionalLong.of(321);
            case "aarch64" -> OptionalLong.of(280);
            default -> OptionalLong.empty();
        };
        if (!System.getProperty("os.name", "").startsWith("Linux") || sysBpf.isEmpty()) {
            return new Result(Loaded.NO, "bpf() is a Linux system call; this is "
                + System.getProperty("os.name") + " " + arch);
        }
        try (Arena arena = Arena.ofConfined()) {
            Linker linker = Linker.nativeLinker();
            StructLayout stateLayout = Linker.Option.captureStateLayout();
            VarHandle errno = stateLayout.varHandle(MemoryLayout.PathElement.groupElement("errno"));
            MethodHandle syscall = linker.downcallHandle(linker.defaultLookup().find("syscall").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
            MethodHandle close = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

            // Two 8-byte instructions, little-endian: BPF_ALU64|BPF_MOV|BPF_K (0xb7) r0, 0; BPF_JMP|BPF_EXIT (0x95).
            MemorySegment insns = arena.allocate(16, 8);
            insns.set(ValueLayout.JAVA_BYTE, 0, (byte) 0xb7);
            insns.set(ValueLayout.JAVA_BYTE, 8, (byte) 0x95);
            MemorySegment license = arena.allocateFrom("GPL");
            MemorySegment attr = arena.allocate(ATTR_SIZE, 8);  // zeroed
            attr.set(ValueLayout.JAVA_INT, 0, BPF_PROG_TYPE_SOCKET_FILTER);  // prog_type
            attr.set(ValueLayout.JAVA_INT, 4, 2);                            // insn_cnt
            attr.set(ValueLayout.JAVA_LONG, 8, insns.address());             // insns
            attr.set(ValueLayout.JAVA_LONG, 16, license.address());          // license
            MemorySegment state = arena.allocate(stateLayout);

            long fd = (long) syscall.invokeExact(state, sysBpf.getAsLong(), (long) BPF_PROG_LOAD, attr, ATTR_SIZE);
            if (fd < 0) {
                Errno e = new Errno((int) errno.get(state, 0L));
                String hint = e.value() == Errno.EPERM
                    ? " (needs CAP_BPF, or kernel.unprivileged_bpf_disabled=0)" : "";
                return new Result(Loaded.NO, "bpf(BPF_PROG_LOAD) failed with " + e + hint);
            }
            int closed = (int) close.invokeExact((int) fd);
            return new Result(Loaded.YES, "BPF_PROG_LOAD of a 2-instruction socket filter succeeded"
                + (closed == 0 ? "" : " (closing its fd failed)"));
        } catch (IllegalCallerException e) {
            return new Result(Loaded.NO, "native access is not enabled (run java with --enable-native-access=ALL-UNNAMED)");
        } catch (Throwable t) {
            return new Result(Loaded.NO, "bpf() probe failed: " + t);
        }
    }
}
