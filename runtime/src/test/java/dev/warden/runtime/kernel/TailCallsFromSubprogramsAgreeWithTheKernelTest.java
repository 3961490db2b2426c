package dev.warden.runtime.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.runtime.linux.LinuxEnvironment;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecResult;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Tail calls from bpf-to-bpf subprograms, run by both engines and by the Linux kernel
 * ({@code BPF_PROG_TEST_RUN}, x86-64 JIT) with the program array filled by the target's descriptor:
 * the same r0. The programs never read r0 after a tail call that did not jump (the kernel's JIT
 * leaves it unset and its verifier forbids reading it; Warden returns -ENOENT). Skipped where
 * bpf() is refused or {@code -Dwarden.kernel=off}.
 */
class TailCallsFromSubprogramsAgreeWithTheKernelTest {
    private static final BpfMap JUMPS = new BpfMap(0, "jumps", MapKind.BTF, 3, 4, 4, 4, 0, new byte[0]);

    /** Tail-calls slot 1; when that falls through, returns 1 (r0 is not read after a tail call). */
    private static final String SUBPROGRAM = "sub:\nr2 = map[idx:0] ll\nr3 = 1\ncall 12\nr0 = 1\nexit\n";

    /** The entry keeps 1 in r6 across a call of a subprogram that tail-calls slot 1, and adds it. */
    private static final String ENTRY = """
            r6 = 1
            call local sub
            r0 += r6
            exit
            """ + SUBPROGRAM;

    /** Forty subprogram calls, each tail-calling slot 1: the invocation's 33 jumps, then 7 that fall through. */
    private static final String FORTY = """
            r8 = r1
            r6 = 0
            r7 = 40
            loop:
            r1 = r8
            call local sub
            r6 += r0
            r7 -= 1
            if r7 != 0 goto loop
            r0 = r6
            exit
            """ + SUBPROGRAM;

    /** The target uses its own stack before returning 2. */
    private static final String TARGET = """
            r1 = 2
            *(u64 *)(r10 - 8) = r1
            r0 = *(u64 *)(r10 - 8)
            exit
            """;

    /** A target that tail-calls slot 2 from its entry function, going on with 5 when that fails. */
    private static final String MIDDLE = """
            r2 = map[idx:0] ll
            r3 = 2
            call 12
            r0 = 5
            exit
            """;

    /**
     * After the subprogram's call, reloads {@code data} and {@code data_end} from the context and
     * returns the first packet byte (1 when the packet is too short).
     */
    private static final String READS_THE_PACKET_AFTER = """
            r6 = r1
            call local sub
            r2 = *(u32 *)(r6 + 0)
            r3 = *(u32 *)(r6 + 4)
            r4 = r2
            r4 += 1
            if r4 > r3 goto out
            r0 = *(u8 *)(r2 + 0)
            exit
            out:
            r0 = 1
            exit
            """ + SUBPROGRAM;

    /** Grows the packet by 4 bytes at its head ({@code bpf_xdp_adjust_head}) and writes 77 at the new start. */
    private static final String GROWS_THE_HEAD = """
            r6 = r1
            r2 = -4
            call 44
            r2 = *(u32 *)(r6 + 0)
            r3 = *(u32 *)(r6 + 4)
            r4 = r2
            r4 += 1
            if r4 > r3 goto out
            r5 = 77
            *(u8 *)(r2 + 0) = r5
            out:
            r0 = 0
            exit
            """;

    private static final byte[] PACKET = new byte[64];

    @Test
    void bothEnginesAndTheKernelReturnTheSame() throws Exception {
        Availability a = KernelOracle.available();
        assumeTrue(a instanceof Availability.Available, () -> "kernel oracle unavailable: " + a);
        try (OracleLock lock = OracleLock.acquire()) {
            // The target's r0 (2) plus the entry's r6 (1); then an empty slot: the subprogram's own 1, plus 1.
            agree(ENTRY, slots(1, TARGET), 3);
            agree(ENTRY, slots(), 2);
            agree(FORTY, slots(1, TARGET), 33 * 2 + 7);
            // A target that tail-calls from its entry: slot 2 empty (5), then filled (2).
            agree(ENTRY, slots(1, MIDDLE), 6);
            SortedMap<Integer, String> chain = slots(1, MIDDLE);
            chain.put(2, TARGET);
            agree(ENTRY, chain, 3);
            // The target moved the packet: its caller finds it where the context now says.
            agree(READS_THE_PACKET_AFTER, slots(1, GROWS_THE_HEAD), 77);
        }
    }

    /**
     * Linux's stack rule for programs that mix the two kinds of call: a chain of functions, the
     * n-th reaching {@code fp-frames[n]}, whose last function tail-calls. Warden's verifier (Linux
     * platform) and the kernel's give the same verdict, and the kernel's message is Warden's.
     */
    @Test
    void theStackRuleForMixedProgramsIsTheKernels() throws Exception {
        Availability a = KernelOracle.available();
        assumeTrue(a instanceof Availability.Available, () -> "kernel oracle unavailable: " + a);
        try (OracleLock lock = OracleLock.acquire()) {
            for (int[] frames : List.of(new int[] {240}, new int[] {256}, new int[] {248}, new int[] {128, 112}, new int[] {128, 128},
                    new int[] {8, 8, 200}, new int[] {8, 8, 232}, new int[] {0, 256})) {
                String what = java.util.Arrays.toString(frames);
                Verdicts v = verdicts(chainOfFrames(frames));
                LoadResult kernel = v.kernel();
                dev.warden.verifier.VerificationResult warden = v.warden();
                if (kernel instanceof LoadResult.Rejected r) {
                    String first = r.log().lines().filter(line -> line.startsWith("tail_calls are not allowed")).findFirst().orElseThrow(
                            () -> new AssertionError("the kernel rejected for another reason: " + what));
                    String ours = ((dev.warden.verifier.VerificationResult.Rejected) warden).violations().getFirst().message();
                    assertEquals(first, ours.substring(0, first.length()), what);
                }
            }
        }
    }

    /**
     * Packet pointers and tail calls: one that falls through changed nothing, so a pointer checked
     * before it is still good after it; a subprogram that may tail-call may return after a target
     * that moved the packet, so its caller's pointers are void (Linux 6.18 simulates that return).
     * The kernel's verdict and Warden's agree on each; the void one is rejected, its reloaded twin
     * accepted.
     */
    @Test
    void packetPointersAcrossTailCallsAsTheKernelSeesThem() throws Exception {
        Availability a = KernelOracle.available();
        assumeTrue(a instanceof Availability.Available, () -> "kernel oracle unavailable: " + a);
        String check = """
                r7 = *(u32 *)(r6 + 0)
                r8 = *(u32 *)(r6 + 4)
                r2 = r7
                r2 += 8
                if r2 > r8 goto out
                """;
        String fallsThrough = "r6 = r1\n" + check + "r1 = r6\nr2 = map[idx:0] ll\nr3 = 0\ncall 12\n%s"
                + "r0 = *(u8 *)(r7 + 0)\nout:\nr0 = 2\nexit\n";
        String acrossACall = "r6 = r1\n" + check + "r1 = r6\ncall local sub\n%s"
                + "r0 = *(u8 *)(r7 + 0)\nout:\nr0 = 2\nexit\nsub:\nr2 = map[idx:0] ll\nr3 = 0\ncall 12\nr0 = 0\nexit\n";
        try (OracleLock lock = OracleLock.acquire()) {
            assertEquals(true, sameVerdict(fallsThrough.formatted("")), "a tail call that falls through changed nothing");
            assertEquals(false, sameVerdict(acrossACall.formatted("")), "the caller's pointer is void after the call");
            assertEquals(true, sameVerdict(acrossACall.formatted(check)), "reloaded and checked again");
        }
    }

    /** The kernel's verdict on {@code asm} as an XDP program, after asserting that Warden's (Linux platform) is the same. */
    private static boolean sameVerdict(String asm) throws Exception {
        return verdicts(asm).kernel() instanceof LoadResult.Loaded;
    }

    /** The kernel's and Warden's verdicts on one XDP program. */
    private record Verdicts(LoadResult kernel, dev.warden.verifier.VerificationResult warden) {}

    /** Loads {@code asm} (an XDP program with map 0 {@code jumps}) into the kernel and verifies it with Warden; the verdicts agree. */
    private static Verdicts verdicts(String asm) throws Exception {
        BpfProgram p = program("entry", asm);
        BpfObject object = new BpfObject(List.of(), List.of(p), List.of(JUMPS), "GPL");
        LoadResult kernel = KernelOracle.loadObjectWithFunctions(ProgType.XDP, object, p);
        if (kernel instanceof LoadResult.Loaded l) {
            l.program().close();
        }
        dev.warden.verifier.VerificationResult warden = dev.warden.verifier.Verifier.verify(object, p,
                dev.warden.verifier.VerifierOptions.linux());
        assertEquals(kernel instanceof LoadResult.Loaded, warden instanceof dev.warden.verifier.VerificationResult.Verified,
                "kernel " + kernel + ", Warden " + warden + "\n" + asm);
        return new Verdicts(kernel, warden);
    }

    /** Functions calling one another in a row, the k-th storing at {@code fp-frames[k]} (none for 0); the last tail-calls. */
    private static String chainOfFrames(int[] frames) {
        StringBuilder asm = new StringBuilder();
        for (int k = 0; k < frames.length; k++) {
            if (k > 0) {
                asm.append("f").append(k).append(":\n");
            }
            if (frames[k] > 0) {
                asm.append("r2 = 1\n*(u64 *)(r10 - ").append(frames[k]).append(") = r2\n");
            }
            asm.append("call local f").append(k + 1).append("\nr0 = 0\nexit\n");
        }
        return asm + "f" + frames.length + ":\nr2 = map[idx:0] ll\nr3 = 0\ncall 12\nr0 = 0\nexit\n";
    }

    private static SortedMap<Integer, String> slots(Object... slotAndSource) {
        SortedMap<Integer, String> m = new TreeMap<>();
        for (int i = 0; i < slotAndSource.length; i += 2) {
            m.put((Integer) slotAndSource[i], (String) slotAndSource[i + 1]);
        }
        return m;
    }

    /** Runs {@code entry} with the slots filled in the kernel and in both engines; all must give {@code expected}. */
    private static void agree(String entry, SortedMap<Integer, String> slotSources, long expected) throws Exception {
        List<BpfProgram> programs = new java.util.ArrayList<>();
        programs.add(program("entry", entry));
        SortedMap<Integer, BpfProgram> slots = new TreeMap<>();
        for (var e : slotSources.entrySet()) {
            BpfProgram p = program("slot" + e.getKey(), e.getValue());
            programs.add(p);
            slots.put(e.getKey(), p);
        }
        BpfObject object = new BpfObject(List.of(), programs, List.of(JUMPS), "GPL");
        TestRunResult.Ran kernel = assertInstanceOf(TestRunResult.Ran.class,
                KernelOracle.runWithTailTargets(ProgType.XDP, object, programs.getFirst(), 0, slots, PACKET));
        assertEquals(expected, Integer.toUnsignedLong(kernel.retval()), "the kernel, " + slotSources.keySet());
        for (Engine engine : List.<Engine>of(new Interpreter(), new JitEngine())) {
            try (LinuxEnvironment env = LinuxEnvironment.load(object, programs.getFirst(), LinuxProgramType.XDP,
                    LinuxEnvironment.DEFAULT_BUDGET, engine)) {
                for (var e : slots.entrySet()) {
                    env.map("jumps").orElseThrow().setProgram(e.getKey(), e.getValue().name());
                }
                ExecResult r = env.run(PACKET);
                assertEquals(expected, assertInstanceOf(ExecResult.Returned.class, r, engine.name() + ": " + r).r0() & 0xffff_ffffL,
                        engine.name() + ", " + slotSources.keySet());
            }
        }
    }

    private static BpfProgram program(String name, String asm) throws Exception {
        return new BpfProgram(name, "xdp", Assembler.assemble(asm), List.of(), List.of(), List.of());
    }
}
