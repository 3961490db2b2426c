package dev.warden.cli;

import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.runtime.host.UnsupportedByRuntime;
import dev.warden.runtime.kernel.Availability;
import dev.warden.runtime.kernel.KernelOracle;
import dev.warden.runtime.kernel.MapSeed;
import dev.warden.runtime.kernel.ObjectDifferential;
import dev.warden.runtime.kernel.RunComparison;
import dev.warden.runtime.linux.KflexOptions;
import dev.warden.runtime.linux.ProvedChecks;
import dev.warden.verifier.Termination;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.platform.Platform;
import dev.warden.vm.Engine;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.linux.ArmedTimer;
import dev.warden.runtime.linux.LinuxEnvironment;
import dev.warden.runtime.linux.LinuxInput;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.MapEntry;
import dev.warden.runtime.linux.MapsBefore;
import dev.warden.vm.ExecResult;
import dev.warden.vm.Fault;
import java.io.PrintWriter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code warden exec --type T --packet HEX} (or {@code --ctx HEX} for a tracing type): one run of a
 * Linux program type with its context, packet, maps and helpers ({@link LinuxEnvironment}), then r0 (or the fault), the
 * {@code bpf_trace_printk} lines and, with {@code --maps} or {@code --json}, the maps.
 */
final class LinuxExec {
    private LinuxExec() {}

    /** Which input option the user gave: the packet of a packet type or the context of a tracing type must match the type. */
    enum Input { PACKET, CONTEXT, NONE }

    static int run(PrintWriter out, String what, BpfObject object, BpfProgram program, Optional<String> typeName,
                   byte[] packet, Input given, boolean maps, boolean json) {
        LinuxProgramType type = type(what, program, typeName, given);
        refuseUnsupported(what, program, java.util.Set.of());
        try (LinuxEnvironment env = LinuxEnvironment.load(object, program, type)) {
            return report(out, env, type, packet, maps, json, Optional.empty());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UserError(what + ": cannot run as " + type.name() + ": " + e.getMessage());
        }
    }

    /**
     * Refuses, before anything runs, a program that calls what this runtime does not provide (a
     * helper outside its Linux table and {@code alsoProvided}, a kfunc, a typed ksym): each such
     * instruction located.
     */
    private static void refuseUnsupported(String what, BpfProgram program, java.util.Set<Integer> alsoProvided) {
        List<String> unsupported = UnsupportedByRuntime.in(what, program, program.program(), alsoProvided);
        if (!unsupported.isEmpty()) {
            throw new UserError(String.join("\n", unsupported));
        }
    }

    /**
     * {@code --heap}/{@code --time-budget} (KFlex): the program is verified first in runtime-termination
     * mode, with the heap when one is given, then runs on {@code engine} with the heap's guards where the
     * proof did not elide them and the time budget checked at back edges and calls. The JSON adds
     * {@code checks_elided}/{@code checks_total} and {@code heap_guards_elided}/{@code heap_guards_total}.
     */
    static int runKflex(PrintWriter out, String what, BpfObject object, BpfProgram program, Optional<String> typeName,
                        byte[] packet, Input given, boolean maps, boolean json, KflexOptions kflex, Engine engine, long budget) {
        LinuxProgramType type = type(what, program, typeName, given);
        Platform platform = kflex.heapBytes() > 0 ? Platform.linux().withHeap(kflex.heapBytes()) : Platform.linux();
        VerifierOptions options = VerifierOptions.linux().withPlatform(platform).withTermination(Termination.RUNTIME)
                .withType(platform.type(type.name()).orElseThrow());
        VerifiedProgram proof = switch (Verifier.verify(object, program, options)) {
            case VerificationResult.Verified v -> v.program();
            case VerificationResult.Rejected r -> throw new UserError(what + ": rejected: " + r.violations().stream()
                    .map(v -> "pc " + v.pc() + v.line().map(l -> " (" + l + ")").orElse("") + ": " + v.message())
                    .collect(java.util.stream.Collectors.joining("; ")));
        };
        try (LinuxEnvironment env = LinuxEnvironment.loadVerified(object, proof, type, budget, engine, kflex)) {
            // The heap's helpers (kflex_alloc, ...) are provided here too.
            refuseUnsupported(what, program, env.heap().map(h -> h.helpers().names().keySet()).orElse(java.util.Set.of()));
            return report(out, env, type, packet, maps, json, env.elision());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UserError(what + ": cannot run as " + type.name() + ": " + e.getMessage());
        }
    }

    /**
     * {@code --compare-kernel}: the run of {@link #run} on both engines and in the kernel
     * ({@link ObjectDifferential}); prints one line per engine (agrees, with what was not compared, or
     * each located difference), or why the kernel could not run it. Exit status 0, 4 on a difference,
     * 3 when not compared.
     */
    static int compareKernel(PrintWriter out, String what, BpfObject object, BpfProgram program, Optional<String> typeName,
                             byte[] packet, Input given, boolean json) {
        LinuxProgramType type = type(what, program, typeName, given);
        if (!type.hasPacket()) {
            throw new UserError("--compare-kernel runs xdp, tc and socket programs (BPF_PROG_TEST_RUN with a packet), not "
                    + type.name());
        }
        List<RunComparison> results;
        try {
            results = ObjectDifferential.compare(object, program, type, packet, MapSeed.NONE,
                    List.of(new Interpreter(), new JitEngine()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UserError(what + ": cannot run as " + type.name() + ": " + e.getMessage());
        }
        String kernel = switch (KernelOracle.available()) {
            case Availability.Available a -> a.kernelRelease();
            case Availability.Unavailable u -> "unavailable";
        };
        int status = 0;
        List<String> text = new java.util.ArrayList<>();
        List<String> runs = new java.util.ArrayList<>();
        for (RunComparison r : results) {
            switch (r) {
                case RunComparison.Agreed a -> {
                    text.add(a.program() + " (" + a.engine() + ") agrees with Linux " + kernel + ": r0, packet and maps"
                            + (a.notCompared().isEmpty() ? "" : "; not compared: " + String.join("; ", a.notCompared())));
                    runs.add("{\"engine\": " + Json.string(a.engine()) + ", \"verdict\": \"agrees\", \"not_compared\": ["
                            + String.join(", ", a.notCompared().stream().map(Json::string).toList()) + "]}");
                }
                case RunComparison.Differed d -> {
                    status = DIFFERS;
                    text.add(d.program() + " (" + d.engine() + ") differs from Linux " + kernel + ":");
                    d.differences().forEach(x -> text.add("  " + x.where() + ": Linux " + x.linux() + ", Warden " + x.warden()));
                    runs.add("{\"engine\": " + Json.string(d.engine()) + ", \"verdict\": \"differs\", \"differences\": ["
                            + String.join(", ", d.differences().stream().map(x -> "{\"where\": " + Json.string(x.where())
                                    + ", \"linux\": " + Json.string(x.linux()) + ", \"warden\": " + Json.string(x.warden()) + "}").toList())
                            + "]}");
                }
                case RunComparison.Skipped s -> {
                    status = NOT_COMPARED;
                    text.add(s.program() + ": not compared with Linux: " + s.reason());
                    runs.add("{\"verdict\": \"not compared\", \"reason\": " + Json.string(s.reason()) + "}");
                }
            }
        }
        if (json) {
            out.println("{\"kernel\": " + Json.string(kernel) + ", \"program\": " + Json.string(program.name())
                    + ", \"runs\": [" + String.join(", ", runs) + "]}");
        } else {
            text.forEach(out::println);
        }
        out.flush();
        return status;
    }

    /** Exit status of {@code --compare-kernel} when a run differs from Linux's (1 is a user error, 2 a fault). */
    static final int DIFFERS = 4;
    /** Exit status of {@code --compare-kernel} when the kernel could not run the program (the reason is printed). */
    static final int NOT_COMPARED = 3;

    private static LinuxProgramType type(String what, BpfProgram program, Optional<String> typeName, Input given) {
        LinuxProgramType type = type(what, program, typeName);
        if (given == Input.PACKET && !type.hasPacket()) {
            throw new UserError(what + ": a " + type.name() + " program has no packet; give its context with --ctx");
        }
        if (given == Input.CONTEXT && type.hasPacket()) {
            throw new UserError(what + ": --ctx gives the context of a tracing program; a " + type.name()
                    + " program gets a --packet");
        }
        return type;
    }

    private static LinuxProgramType type(String what, BpfProgram program, Optional<String> typeName) {
        return typeName
                .map(t -> LinuxProgramType.named(t).orElseThrow(() -> new UserError("--type " + t + ": expected one of "
                        + String.join(", ", LinuxProgramType.names()))))
                .or(() -> LinuxProgramType.forSection(program.section()))
                .orElseThrow(() -> new UserError(what + ": section '" + program.section()
                        + "' does not name a program type; give --type (" + String.join(", ", LinuxProgramType.names()) + ")"));
    }

    private static int report(PrintWriter out, LinuxEnvironment env, LinuxProgramType type, byte[] packet, boolean maps, boolean json,
                              Optional<ProvedChecks> checks) {
        ExecResult result = env.run(LinuxInput.ofPacket(packet), MapsBefore.FROM_INPUT);
        List<String> trace = env.traceLog();
        Map<String, List<MapEntry>> after = env.maps();
        List<ArmedTimer> timers = env.armedTimers();
        if (json) {
            out.println(json(result, after, checks, timers));
        } else {
            switch (result) {
                case ExecResult.Returned r -> out.println("r0 = 0x" + Long.toHexString(r.r0()) + " (" + r.r0() + ")");
                case ExecResult.Faulted f -> out.println(f.fault());
            }
            trace.forEach(line -> out.println("trace: " + line));
            // exec runs the program once: a timer armed at its exit is reported, never fired.
            timers.forEach(t -> out.println("timer armed, not fired (exec runs once): " + t));
            checks.ifPresent(c -> out.println(c.elided() + "/" + c.total() + " checks elided"
                    + (c.heapGuardsTotal() > 0 ? ", " + c.heapGuardsElided() + "/" + c.heapGuardsTotal() + " heap guards elided" : "")));
            if (maps) {
                after.forEach((name, entries) -> {
                    out.println("map " + name + ":" + (entries.isEmpty() ? " (empty)" : ""));
                    entries.forEach(e -> out.println("  " + e));
                });
            }
        }
        out.flush();
        return result instanceof ExecResult.Faulted ? 2 : 0;
    }

    /**
     * {@code {"r0": "0x2", "maps": {"name": [{"key": "hex", "value": "hex"}]}}}, or {@code "fault"} instead
     * of r0; {@code "timers_armed"} lists the timers left armed ({@code map}, {@code key}, {@code offset},
     * {@code nsecs}, {@code flags}) when there are any.
     */
    private static String json(ExecResult result, Map<String, List<MapEntry>> maps, Optional<ProvedChecks> checks,
                               List<ArmedTimer> timers) {
        HexFormat hex = HexFormat.of();
        StringBuilder sb = new StringBuilder("{");
        switch (result) {
            case ExecResult.Returned r -> sb.append("\"r0\": \"0x").append(Long.toHexString(r.r0())).append('"');
            case ExecResult.Faulted f -> {
                Fault x = f.fault();
                sb.append("\"fault\": {\"pc\": ").append(x.pc()).append(", \"kind\": \"").append(x.kind())
                        .append("\", \"message\": ").append(Json.string(x.message())).append('}');
            }
        }
        sb.append(", \"maps\": {");
        boolean firstMap = true;
        for (Map.Entry<String, List<MapEntry>> m : maps.entrySet()) {
            sb.append(firstMap ? "" : ", ").append(Json.string(m.getKey())).append(": [");
            firstMap = false;
            boolean first = true;
            for (MapEntry e : m.getValue()) {
                sb.append(first ? "" : ", ").append("{\"key\": \"").append(hex.formatHex(e.key()))
                        .append("\", \"value\": \"").append(hex.formatHex(e.value())).append("\"}");
                first = false;
            }
            sb.append(']');
        }
        sb.append('}');
        if (!timers.isEmpty()) {
            sb.append(", \"timers_armed\": [");
            for (int i = 0; i < timers.size(); i++) {
                ArmedTimer t = timers.get(i);
                sb.append(i == 0 ? "" : ", ").append("{\"map\": ").append(Json.string(t.map())).append(", \"key\": \"")
                        .append(hex.formatHex(t.key())).append("\", \"offset\": ").append(t.offset()).append(", \"nsecs\": ")
                        .append(Long.toUnsignedString(t.nsecs())).append(", \"flags\": ").append(t.flags()).append('}');
            }
            sb.append(']');
        }
        checks.ifPresent(c -> sb.append(", \"checks_elided\": ").append(c.elided()).append(", \"checks_total\": ").append(c.total())
                .append(", \"heap_guards_elided\": ").append(c.heapGuardsElided())
                .append(", \"heap_guards_total\": ").append(c.heapGuardsTotal()));
        return sb.append('}').toString();
    }
}
