package dev.warden.runtime.evidence;

import dev.warden.mpk.IsolationMode;
import dev.warden.runtime.host.Extension;
import dev.warden.runtime.linux.HostMap;
import dev.warden.vm.ExecResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The child JVM of the map evidence ({@link MapProtectionEvidence}): loads
 * {@link EvidenceObjects.Shape#COUNTER} through the host API with the isolation mode in
 * {@code args[0]}, lets two runs count in value 0 and the host update it once (legitimate writes,
 * each checked), prints the value's address, then writes the value directly, outside any run, as a
 * buggy host would. Under an isolating mode that write kills this JVM; otherwise it prints that the
 * write got through.
 *
 * <p>Exit 0: the stray write went through (not isolated); 3-5: a legitimate step failed (printed).
 */
public final class MapWriteOutsideARun {
    private MapWriteOutsideARun() {}

    /** What the child prints before its stray write; the parent reads the address from it. */
    static final String VALUE_AT = "value at 0x";
    /** What the child prints when the stray write went through. */
    static final String NOT_ISOLATED = "wrote the value outside a run: NOT isolated";

    public static void main(String[] args) throws Exception {
        IsolationMode mode = IsolationMode.valueOf(args[0]);
        try (Extension ext = EvidenceObjects.load(EvidenceObjects.Shape.COUNTER, mode, 1)) {
            for (int i = 0; i < 2; i++) {
                if (!(ext.invoke(EvidenceObjects.ENTRY, new byte[0]) instanceof ExecResult.Returned r) || r.r0() != 2) {
                    System.out.println("a run failed");
                    System.exit(3);
                }
            }
            HostMap counts = ext.map("counts").orElseThrow();
            ByteBuffer value = ByteBuffer.wrap(counts.lookup(new byte[4]).orElseThrow()).order(ByteOrder.LITTLE_ENDIAN);
            long count = value.getLong(0);
            long address = value.getLong(8);
            if (count != 2 || address == 0) {
                System.out.println("the runs did not write the map: count " + count + ", address 0x" + Long.toHexString(address));
                System.exit(4);
            }
            byte[] seven = new byte[16];
            seven[0] = 7;
            if (counts.update(new byte[4], seven, HostMap.ANY) != 0 || counts.lookup(new byte[4]).orElseThrow()[0] != 7) {
                System.out.println("the host's update did not go through");
                System.exit(5);
            }
            System.out.println("two runs counted to " + count + ", the host's update went through; isolation " + mode + ", "
                    + VALUE_AT + Long.toHexString(address));
            System.out.flush();
            MemorySegment.ofAddress(address).reinterpret(8).set(ValueLayout.JAVA_LONG, 0, 42);
            System.out.println(NOT_ISOLATED);
        }
        System.exit(0);
    }
}
