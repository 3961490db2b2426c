package dev.warden.runtime.host;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.jit.JitEngine;
import dev.warden.mpk.IsolationMode;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LinuxEnvironment;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.ExecResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * The child JVM of {@link TheMapsAreWriteProtectedOutsideRunsTest}: loads a program whose array
 * map is isolated by the mode in {@code args[0]}, lets the program count in value 0 twice and the
 * host update it once (all legitimate writes), prints the value's address (the program returns
 * it), then, as a buggy host would, writes the value outside any run. Under an isolating mode that
 * write kills this JVM; otherwise it prints that it got through.
 */
public final class MapValueWriteOutsideARun {
    private MapValueWriteOutsideARun() {}

    public static void main(String[] args) throws Exception {
        IsolationMode mode = IsolationMode.valueOf(args[0]);
        BpfProgram p = new BpfProgram("count", "xdp", Assembler.assemble("""
                *(u32 *)(r10 - 4) = 0
                r2 = r10
                r2 += -4
                r1 = map[idx:0] ll
                call 1
                if r0 == 0 goto out
                r1 = *(u64 *)(r0 + 0)
                r1 += 1
                *(u64 *)(r0 + 0) = r1
                out:
                exit
                """), List.of(), List.of(), List.of());
        BpfMap counts = new BpfMap(0, "counts", MapKind.BTF, 2, 4, 8, 4, 0, new byte[0]);
        LinuxEnvironment env = LinuxEnvironment.load(new BpfObject(List.of(), List.of(p), List.of(counts), "GPL"), p,
                LinuxProgramType.XDP, LinuxEnvironment.DEFAULT_BUDGET, new JitEngine(), mode);
        HostMap map = env.map("counts").orElseThrow();
        long address = 0;
        for (int i = 0; i < 2; i++) {
            if (!(env.run(new byte[0]) instanceof ExecResult.Returned r) || r.r0() == 0) {
                System.out.println("the program found no value");
                System.exit(3);
                return;
            }
            address = r.r0();
        }
        byte[] seven = new byte[8];
        seven[0] = 7;
        if (map.update(new byte[4], seven, HostMap.ANY) != 0 || map.lookup(new byte[4]).orElseThrow()[0] != 7) {
            System.out.println("the host's update did not go through");
            System.exit(4);
        }
        System.out.println("map isolation " + env.isolation() + ", value at 0x" + Long.toHexString(address));
        System.out.flush();
        MemorySegment.ofAddress(address).reinterpret(8).set(ValueLayout.JAVA_LONG, 0, 42);
        System.out.println("wrote the value outside a run: NOT isolated");
        System.exit(0);
    }
}
