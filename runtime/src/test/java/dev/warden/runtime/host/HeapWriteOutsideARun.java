package dev.warden.runtime.host;

import dev.warden.mpk.IsolationMode;
import dev.warden.runtime.linux.KflexHeap;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.LoadedObject;
import dev.warden.verifier.Termination;
import dev.warden.verifier.VerifierOptions;
import dev.warden.vm.ExecResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The child JVM of {@link TheHeapIsWriteProtectedOutsideRunsTest}: loads a counter extension with
 * a heap isolated by the mode in {@code args[0]}, runs it twice (the runs write the heap), prints
 * the heap's address, then, as a buggy host would, writes its root object outside any run. Under
 * an isolating mode that write kills this JVM; otherwise it prints that it got through.
 */
public final class HeapWriteOutsideARun {
    private HeapWriteOutsideARun() {}

    public static void main(String[] args) throws Exception {
        IsolationMode mode = IsolationMode.valueOf(args[0]);
        Path policy = Files.createTempFile("heap", ".eim");
        Files.writeString(policy, TheHeapSurvivesAHotReloadTest.POLICY);
        ExtensionSpec spec = TheHeapSurvivesAHotReloadTest.spec().withIsolation(mode);
        LoadedObject loaded = Extensions.attach(TheHeapSurvivesAHotReloadTest.counter(1), "counter.o", spec,
                EimClassPolicy.forClass(policy, "counter", VerifierOptions.linux().withTermination(Termination.RUNTIME)), Optional.empty());
        Files.delete(policy);
        int cpu = loaded.acquire();
        for (int i = 0; i < 2; i++) {
            if (!(loaded.run(cpu, loaded.programIndex("tick"), new byte[0]) instanceof ExecResult.Returned r) || r.r0() != i) {
                System.out.println("the extension did not count");
                System.exit(3);
            }
        }
        KflexHeap heap = loaded.heap().orElseThrow();
        long root = heap.base() + KflexHeap.ROOT_OFFSET;
        System.out.println("heap isolation " + heap.isolation() + ", root at 0x" + Long.toHexString(root));
        System.out.flush();
        MemorySegment.ofAddress(root).reinterpret(8).set(ValueLayout.JAVA_LONG, 0, 42);
        System.out.println("wrote the root outside a run: NOT isolated");
        System.exit(0);
    }
}
