package dev.warden.runtime.kflex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.elf.BpfObject;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.KflexOptions;
import dev.warden.runtime.linux.LinuxEnvironment;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.vm.ExecResult;
import dev.warden.vm.FaultKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * KFlex's cancellation: the runaways of corpus/kflex/runaway.c (verified with runtime termination)
 * loop forever while holding a spin lock or a ring buffer reservation. A time budget per
 * invocation stops them with CANCELLED at a back edge (a cancellation point), the instruction budget
 * being far from spent; the lock is free again and the reservation discarded (the path every
 * ending run takes), and the maps stay usable: the next, well-behaved invocation takes the lock,
 * counts and submits a record the host then reads.
 */
class CancellationGivesBackWhatARunawayHeldTest {
    static final long TIME_BUDGET = 20_000_000; // 20 ms
    static final long INSTRUCTIONS = Long.MAX_VALUE; // only the clock can stop the runaway

    @ParameterizedTest
    @ValueSource(strings = {"interp", "jit"})
    void aCancelledRunReleasesItsSpinLock(String engineName) throws Exception {
        BpfObject object = KflexFixtures.object("runaway");
        VerifiedProgram proof = KflexFixtures.verified(object, "spin_locked");
        try (LinuxEnvironment env = runaway(object, proof, engineName)) {
            long start = System.nanoTime();
            ExecResult r = env.run(KflexFixtures.request(1, 0, 0));
            long took = System.nanoTime() - start;
            ExecResult.Faulted f = assertInstanceOf(ExecResult.Faulted.class, r);
            assertEquals(FaultKind.CANCELLED, f.fault().kind(), f.toString());
            assertTrue(isBackEdge(proof, f.fault().pc()), "cancelled at a back edge: " + f);
            assertTrue(took < 2_000_000_000L, "stopped soon after its 20 ms: " + took / 1_000_000 + " ms");
            HostMap counters = env.map("counters").orElseThrow();
            byte[] value = counters.lookup(new byte[4]).orElseThrow();
            assertEquals(0, ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getInt(0), "the spin lock is free again");
            long counted = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong(8);
            assertTrue(counted > 1, "the runaway ran its loop before it was stopped: " + counted);

            assertEquals(new ExecResult.Returned(1), env.run(KflexFixtures.request(0, 0, 0)), "the next run takes the lock");
            value = counters.lookup(new byte[4]).orElseThrow();
            assertEquals(counted + 1, ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong(8));
            assertEquals(0, ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getInt(0), "and frees it");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"interp", "jit"})
    void aCancelledRunDiscardsItsReservation(String engineName) throws Exception {
        BpfObject object = KflexFixtures.object("runaway");
        VerifiedProgram proof = KflexFixtures.verified(object, "reserve_held");
        try (LinuxEnvironment env = runaway(object, proof, engineName)) {
            ExecResult r = env.run(KflexFixtures.request(1, 41, 0));
            ExecResult.Faulted f = assertInstanceOf(ExecResult.Faulted.class, r);
            assertEquals(FaultKind.CANCELLED, f.fault().kind(), f.toString());
            HostMap events = env.map("events").orElseThrow();
            assertEquals(0, events.poll().size(), "the reservation was discarded, not delivered");

            assertEquals(new ExecResult.Returned(1), env.run(KflexFixtures.request(0, 42, 0)));
            var records = events.poll();
            assertEquals(1, records.size(), "the ring buffer takes and delivers the next record");
            assertEquals(42, ByteBuffer.wrap(records.get(0)).order(ByteOrder.LITTLE_ENDIAN).getLong());
        }
    }

    /** The runaway on the named engine with the time budget and no instruction budget to speak of. */
    private static LinuxEnvironment runaway(BpfObject object, VerifiedProgram proof, String engine) {
        return LinuxEnvironment.loadVerified(object, proof, LinuxProgramType.XDP, INSTRUCTIONS,
                engine.equals("jit") ? new JitEngine() : new Interpreter(), new KflexOptions(0, TIME_BUDGET));
    }

    /** Whether the instruction at {@code pc} jumps to itself or before (the verifier's cancellation points are these). */
    private static boolean isBackEdge(VerifiedProgram proof, int pc) {
        var insn = proof.program().at(pc);
        return insn instanceof dev.warden.isa.Instruction.Jump j && j.offset() < 0
                || insn instanceof dev.warden.isa.Instruction.Goto g && dev.warden.isa.Program.targetOf(pc, g) <= pc;
    }
}
