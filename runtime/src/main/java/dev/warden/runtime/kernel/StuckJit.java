package dev.warden.runtime.kernel;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Detects a deadlock seen on Linux 6.18 under a storm of program loads and frees: a loader holds
 * the BPF JIT's pack mutex while it waits for a vmap purge queued on the system workqueue, and
 * the workqueue's workers are all blocked on that mutex freeing earlier programs
 * ({@code bpf_prog_free_deferred -> bpf_prog_pack_free}). From then on every JIT-ing
 * {@code BPF_PROG_LOAD} blocks forever in uninterruptible sleep, which would hang any build that
 * calls it. The symptom is visible without calling bpf(): tasks whose wait channel stays in
 * {@code bpf_prog_pack_*}.
 */
final class StuckJit {
    private StuckJit() {}

    /** A reason not to call bpf(), if tasks stay blocked in the JIT's pack allocator for two seconds. */
    static Optional<String> check() {
        Map<Integer, String> first = blockedTasks();
        if (first.isEmpty()) {
            return Optional.empty();
        }
        try {
            Thread.sleep(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        Map<Integer, String> still = blockedTasks();
        still.keySet().retainAll(first.keySet());
        if (still.isEmpty()) {
            return Optional.empty();
        }
        Map.Entry<Integer, String> one = still.entrySet().iterator().next();
        return Optional.of(still.size() + " kernel tasks stay blocked in the BPF JIT's allocator (e.g. pid "
                + one.getKey() + " in " + one.getValue() + "): the kernel's bpf_prog_pack mutex is deadlocked and "
                + "BPF_PROG_LOAD would hang for good; only a reboot clears it (see docs/kernel-oracle.md)");
    }

    private static Map<Integer, String> blockedTasks() {
        Map<Integer, String> out = new TreeMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                try {
                    String wchan = Files.readString(p.resolve("wchan")).strip();
                    if (wchan.startsWith("bpf_prog_pack")) {
                        out.put(Integer.parseInt(p.getFileName().toString()), wchan);
                    }
                } catch (IOException | NumberFormatException e) {
                    // The task ended, or its wait channel is hidden from us: nothing to learn from it.
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return out;
    }
}
