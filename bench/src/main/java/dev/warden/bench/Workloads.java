package dev.warden.bench;

import dev.warden.isa.Program;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfFormatException;
import dev.warden.isa.elf.ElfReader;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The five workloads of {@code bench/workloads/workloads.c}: their eBPF programs (from the
 * committed {@code workloads.bpf.o}), their native build ({@code libworkloads.so}, made with
 * gcc -O2 by {@code build.sh native} when missing) and their inputs.
 */
final class Workloads {
    private Workloads() {}

    /** {@code bench/workloads}, found from {@code -Dwarden.workloads} or by walking up from the cwd. */
    static Path dir() {
        String prop = System.getProperty("warden.workloads");
        if (prop != null) {
            return Path.of(prop).toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("bench/workloads");
            if (Files.isRegularFile(candidate.resolve("workloads.bpf.o"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("bench/workloads not found; run from the repository or set -Dwarden.workloads");
    }

    static Program program(String name) throws IOException, ElfFormatException {
        BpfProgram p = ElfReader.read(dir().resolve("workloads.bpf.o")).program("wl_" + name)
                .orElseThrow(() -> new IllegalArgumentException("no workload " + name));
        return p.program();
    }

    /** The native function {@code u64 wl_<name>(const u8 *mem, u64 len)}. */
    static MethodHandle nativeFunction(String name, Arena arena) throws IOException, InterruptedException {
        Path lib = dir().resolve("../target/native/libworkloads.so").normalize();
        if (!Files.isRegularFile(lib)) {
            Process p = new ProcessBuilder("bash", dir().resolve("build.sh").toString(), "native", lib.getParent().toString())
                    .inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("building the native workloads failed (is gcc installed?)");
            }
        }
        MemorySegment symbol = SymbolLookup.libraryLookup(lib, arena).find("wl_" + name)
                .orElseThrow(() -> new IllegalStateException("no symbol wl_" + name + " in " + lib));
        return Linker.nativeLinker().downcallHandle(symbol,
                FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    }

    /** The input of a workload in native memory of {@code arena} (16-byte aligned), as the engines run on it. */
    static java.lang.foreign.MemorySegment input(String name, java.lang.foreign.Arena arena) {
        byte[] bytes = input(name);
        java.lang.foreign.MemorySegment m = arena.allocate(bytes.length, 16);
        m.copyFrom(java.lang.foreign.MemorySegment.ofArray(bytes));
        return m;
    }

    /** The input of a workload, the same for every engine. */
    static byte[] input(String name) {
        SplittableRandom rnd = new SplittableRandom(5);
        return switch (name) {
            case "sum_loop" -> {
                byte[] b = new byte[8];
                MemorySegment.ofArray(b).set(ValueLayout.JAVA_LONG_UNALIGNED, 0, 10_000_000L);
                yield b;
            }
            case "fletcher", "fnv1a" -> {
                byte[] b = new byte[4096];
                rnd.nextBytes(b);
                yield b;
            }
            case "state_machine" -> text(rnd, 4096);
            case "bubble_sort" -> {
                byte[] b = new byte[256];
                rnd.nextBytes(b);
                yield b;
            }
            default -> throw new IllegalArgumentException("no workload " + name);
        };
    }

    /** Source-like text: identifiers, numbers, quoted strings with escapes, spaces and newlines. */
    private static byte[] text(SplittableRandom rnd, int length) {
        String[] tokens = {"alpha", "x1", "_tmp", "42", "1000", "7", "\"str\"", "\"a\\\"b\"", "12ab", " ", " ", "\n", "+", "(", ")"};
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            sb.append(tokens[rnd.nextInt(tokens.length)]);
            if (rnd.nextInt(3) == 0) {
                sb.append(' ');
            }
        }
        return sb.substring(0, length).getBytes(StandardCharsets.ISO_8859_1);
    }
}
