package dev.warden.cli;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
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
 * {@code warden exec --type T --packet HEX}: one run of a Linux program type with its context,
 * packet, maps and helpers ({@link LinuxEnvironment}), then r0 (or the fault), the
 * {@code bpf_trace_printk} lines and, with {@code --maps} or {@code --json}, the maps.
 */
final class LinuxExec {
    private LinuxExec() {}

    static int run(PrintWriter out, String what, BpfObject object, BpfProgram program, Optional<String> typeName,
                   byte[] packet, boolean maps, boolean json) {
        LinuxProgramType type = typeName
                .map(t -> LinuxProgramType.named(t).orElseThrow(() -> new UserError("--type " + t + ": expected one of "
                        + String.join(", ", LinuxProgramType.names()))))
                .or(() -> LinuxProgramType.forSection(program.section()))
                .orElseThrow(() -> new UserError(what + ": section '" + program.section()
                        + "' does not name a program type; give --type (" + String.join(", ", LinuxProgramType.names()) + ")"));
        ExecResult result;
        List<String> trace;
        Map<String, List<MapEntry>> after;
        try (LinuxEnvironment env = LinuxEnvironment.load(object, program, type)) {
            result = env.run(LinuxInput.ofPacket(packet), MapsBefore.FROM_INPUT);
            trace = env.traceLog();
            after = env.maps();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new UserError(what + ": cannot run as " + type.name() + ": " + e.getMessage());
        }
        if (json) {
            out.println(json(result, after));
        } else {
            switch (result) {
                case ExecResult.Returned r -> out.println("r0 = 0x" + Long.toHexString(r.r0()) + " (" + r.r0() + ")");
                case ExecResult.Faulted f -> out.println(f.fault());
            }
            trace.forEach(line -> out.println("trace: " + line));
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

    /** {@code {"r0": "0x2", "maps": {"name": [{"key": "hex", "value": "hex"}]}}}, or {@code "fault"} instead of r0. */
    private static String json(ExecResult result, Map<String, List<MapEntry>> maps) {
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
        return sb.append("}}").toString();
    }
}
