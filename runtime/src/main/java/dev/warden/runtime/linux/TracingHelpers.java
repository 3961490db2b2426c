package dev.warden.runtime.linux;

import dev.warden.vm.Helpers;
import dev.warden.vm.Memory;
import dev.warden.vm.VmFault;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The helpers tracing programs call (kprobe, tracepoint, raw_tracepoint, perf_event, fentry, fexit,
 * tp_btf), with Linux's semantics adapted to a run in user space on a context the user recorded.
 * {@link LinuxHelpers#table} starts from this table.
 *
 * <p><b>The probe reads never read host memory at an arbitrary address.</b> In Linux,
 * {@code bpf_probe_read_kernel} copies from any kernel address and turns a page fault into
 * -EFAULT. Here the address is a number the program computed, often from a field of the recorded
 * context (a task pointer, a string pointer of a syscall argument) that means nothing in this
 * process: following it would let an extension read the host's heap, keys, anything mapped, which
 * is an escape from the sandbox. So a probe read copies only from memory the extension may read
 * anyway (its context, stack, packet, map values: the regions its loads are checked against) and
 * treats every other address as Linux treats an unmapped one: -EFAULT with the destination
 * zero-filled. The user and kernel variants are the same for this reason: a run has no other
 * address space to read.
 *
 * <table>
 * <caption>What each helper gives in a user-space run, and why</caption>
 * <tr><td>4 probe_read, 112 probe_read_user, 113 probe_read_kernel</td><td>copies {@code size} bytes
 *     from an extension region; any other source: -EFAULT, destination zeroed (see above)</td></tr>
 * <tr><td>45 probe_read_str, 114 probe_read_user_str, 115 probe_read_kernel_str</td><td>Linux's
 *     {@code strncpy_from_*_nofault}: copies up to the NUL or {@code size - 1} bytes and terminates, returns the
 *     bytes written with the NUL; a source byte outside the regions: -EFAULT, destination zeroed</td></tr>
 * <tr><td>35 get_current_task</td><td>a number in the kernel half of the address space, one per pid
 *     ({@code 0xffff888000000000 + (pid << 13)}): programs use it as a key and as the base of probe reads, which
 *     then fail with -EFAULT, as they would on a task that vanished; it is never an address of this process</td></tr>
 * <tr><td>27 get_stackid</td><td>-EINVAL for unknown flags, else -EFAULT: Linux's result when no call chain can
 *     be taken, and a recorded context has none</td></tr>
 * <tr><td>67 get_stack</td><td>the same, with the buffer zeroed as Linux does on an error</td></tr>
 * <tr><td>173 get_func_ip</td><td>pt_regs types: the context's {@code ip}; fentry/fexit: 0 (the traced
 *     function's address is not part of the arguments the user gives)</td></tr>
 * <tr><td>174 get_attach_cookie</td><td>0, Linux's value when the attachment set no cookie</td></tr>
 * <tr><td>183 get_func_arg, 184 get_func_ret, 185 get_func_arg_cnt</td><td>the run's argument count is the
 *     u64 slots the input gave (fexit: all but the last, which is the return value); an index at or past it
 *     -EINVAL; get_func_ret outside fexit -EOPNOTSUPP</td></tr>
 * </table>
 *
 * <p>Not provided, so a call ends the run with {@code UNKNOWN_HELPER}: 158 get_current_task_btf. It returns a
 * trusted {@code struct task_struct} pointer the program may load from directly; Linux runs those loads as
 * exception-handled probe reads (BPF_PROBE_MEM), which this runtime's engines do not have, so any pointer it
 * returned would make accepted programs fault, or read host memory.
 */
final class TracingHelpers {
    private static final long MASK32 = 0xffff_ffffL;
    /** Where get_current_task's numbers lie: x86-64's direct map, never mapped in a user process. */
    private static final long TASK_BASE = 0xffff_8880_0000_0000L;
    /** {@code pt_regs.ip} on x86-64. */
    private static final int PT_REGS_IP = 128;
    /** get_stackid's flags: BPF_F_SKIP_FIELD_MASK, BPF_F_USER_STACK, BPF_F_FAST_STACK_CMP, BPF_F_REUSE_STACKID. */
    private static final long STACKID_FLAGS = 0xffL | 1L << 8 | 1L << 9 | 1L << 10;
    /** get_stack's flags: BPF_F_SKIP_FIELD_MASK, BPF_F_USER_STACK, BPF_F_USER_BUILD_ID. */
    private static final long STACK_FLAGS = 0xffL | 1L << 8 | 1L << 11;

    private TracingHelpers() {}

    /** The tracing helpers for one CPU's runs of {@code type}. */
    static Helpers table(LinuxProgramType type, LinuxMaps maps, RunState state) {
        return Helpers.none()
                .with(4, "probe_read", TracingHelpers::probeRead)
                .with(112, "probe_read_user", TracingHelpers::probeRead)
                .with(113, "probe_read_kernel", TracingHelpers::probeRead)
                .with(45, "probe_read_str", TracingHelpers::probeReadString)
                .with(114, "probe_read_user_str", TracingHelpers::probeReadString)
                .with(115, "probe_read_kernel_str", TracingHelpers::probeReadString)
                .with(35, "get_current_task", (m, pc, r1, r2, r3, r4, r5) -> TASK_BASE + ((state.pidTgid & MASK32) << 13))
                .with(27, "get_stackid", (m, pc, r1, r2, r3, r4, r5) -> {
                    LinuxHelpers.map(maps, r2, pc);
                    return (r3 & ~STACKID_FLAGS) != 0 ? -Errno.EINVAL : -Errno.EFAULT;
                })
                .with(67, "get_stack", (m, pc, r1, r2, r3, r4, r5) -> {
                    int n = LinuxHelpers.size(r3, pc);
                    writable(m, r2, n, pc, "buffer");
                    zero(r2, n);
                    return (r4 & ~STACK_FLAGS) != 0 ? -Errno.EINVAL : -Errno.EFAULT;
                })
                .with(173, "get_func_ip", (m, pc, r1, r2, r3, r4, r5) -> type == LinuxProgramType.KPROBE
                        ? state.context.get(ValueLayout.JAVA_LONG_UNALIGNED, PT_REGS_IP) : 0)
                .with(174, "get_attach_cookie", (m, pc, r1, r2, r3, r4, r5) -> 0)
                .with(183, "get_func_arg", (m, pc, r1, r2, r3, r4, r5) -> {
                    writable(m, r3, 8, pc, "value");
                    if (Long.compareUnsigned(r2 & MASK32, arguments(type, state)) >= 0) {
                        return -Errno.EINVAL;
                    }
                    store(r3, slot(state, (int) r2));
                    return 0;
                })
                .with(184, "get_func_ret", (m, pc, r1, r2, r3, r4, r5) -> {
                    writable(m, r2, 8, pc, "value");
                    if (type != LinuxProgramType.FEXIT) {
                        return -Errno.EOPNOTSUPP;
                    }
                    store(r2, slot(state, arguments(type, state)));
                    return 0;
                })
                .with(185, "get_func_arg_cnt", (m, pc, r1, r2, r3, r4, r5) -> arguments(type, state));
    }

    /**
     * The traced function's argument count: the u64 slots the input gave, fexit's last one being the
     * return value (the kernel keeps the count beside the context; a recorded run has only its length).
     */
    private static int arguments(LinuxProgramType type, RunState state) {
        int slots = state.contextLength / 8;
        return type == LinuxProgramType.FEXIT ? Math.max(slots - 1, 0) : slots;
    }

    /** Argument slot {@code n}, 0 past the context (fexit's return slot when the input gave no arguments is slot 0). */
    private static long slot(RunState state, int n) {
        long at = 8L * n;
        return at + 8 <= state.context.byteSize() ? state.context.get(ValueLayout.JAVA_LONG_UNALIGNED, at) : 0;
    }

    /** bpf_probe_read(_user, _kernel)(dst, size, src): see the class comment. */
    private static long probeRead(Memory m, int pc, long dst, long size, long src, long r4, long r5) {
        int n = LinuxHelpers.size(size, pc);
        if (n == 0) {
            return 0;
        }
        writable(m, dst, n, pc, "destination");
        if (!readable(m, src, n, pc)) {
            zero(dst, n);
            return -Errno.EFAULT;
        }
        MemorySegment.copy(MemorySegment.ofAddress(src).reinterpret(n), 0, MemorySegment.ofAddress(dst).reinterpret(n), 0, n);
        return 0;
    }

    /** bpf_probe_read_*_str(dst, size, src): Linux's strncpy_from_kernel_nofault, byte by byte, on the extension's regions. */
    private static long probeReadString(Memory m, int pc, long dst, long size, long src, long r4, long r5) {
        int n = LinuxHelpers.size(size, pc);
        if (n == 0) {
            return 0;
        }
        writable(m, dst, n, pc, "destination");
        // Read first, then write: the source may overlap the destination, and Linux reads each byte before writing it.
        byte[] copied = new byte[n];
        int length = 0;
        while (true) {
            if (!readable(m, src + length, 1, pc)) {
                zero(dst, n);
                return -Errno.EFAULT;
            }
            byte b = MemorySegment.ofAddress(src + length).reinterpret(1).get(ValueLayout.JAVA_BYTE, 0);
            copied[length++] = b;
            if (b == 0 || length == n) {
                break;
            }
        }
        copied[length - 1] = 0; // terminated at the NUL read or in place of the last byte that fits
        MemorySegment.copy(copied, 0, MemorySegment.ofAddress(dst).reinterpret(length), ValueLayout.JAVA_BYTE, 0, length);
        return length;
    }

    /** Whether {@code [address, address + n)} lies in one region the extension may read (its checks, without a fault). */
    private static boolean readable(Memory m, long address, int n, int pc) {
        try {
            m.checkRead(address, n, pc);
            return true;
        } catch (VmFault f) {
            return false;
        }
    }

    /** A destination must be writable: a program the verifier accepted never passes another, so this faults. */
    private static void writable(Memory m, long address, int n, int pc, String what) {
        if (n > 0) {
            LinuxHelpers.checked(() -> m.checkWrite(address, n, pc), what);
        }
    }

    private static void zero(long address, int n) {
        if (n > 0) {
            MemorySegment.ofAddress(address).reinterpret(n).fill((byte) 0);
        }
    }

    private static void store(long address, long value) {
        MemorySegment.ofAddress(address).reinterpret(8).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, value);
    }
}
