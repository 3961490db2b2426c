package dev.warden.isa.elf;

import dev.warden.isa.Program;
import java.util.List;
import java.util.Optional;

/**
 * One program of the object, linked like libbpf links it: the entry function of its section
 * followed by every {@code .text} subprogram it calls (transitively), with calls, map references
 * and global data references rewritten. {@code relocations}, {@code lines}, {@code functions} and
 * {@code coreRelocations} are sorted by pc. CO-RE relocations are recorded, not applied: the
 * instructions keep the offsets clang computed against its own headers.
 */
public record BpfProgram(String name, String section, Program program, List<Function> functions,
                         List<Relocation> relocations, List<LineInfo> lines, List<CoreRelocation> coreRelocations) {
    public BpfProgram {
        functions = List.copyOf(functions);
        relocations = List.copyOf(relocations);
        lines = List.copyOf(lines);
        coreRelocations = List.copyOf(coreRelocations);
    }

    /** A program without CO-RE relocations. */
    public BpfProgram(String name, String section, Program program, List<Function> functions,
                      List<Relocation> relocations, List<LineInfo> lines) {
        this(name, section, program, functions, relocations, lines, List.of());
    }

    /** The source line recorded for exactly this pc, if any (clang records one per statement start). */
    public Optional<LineInfo> lineAt(int pc) {
        return lines.stream().filter(l -> l.pc() == pc).findFirst();
    }

    /** The function starting at {@code pc}, if one does. */
    public Optional<Function> functionAt(int pc) {
        return functions.stream().filter(f -> f.pc() == pc).findFirst();
    }

    /** The CO-RE relocations of the instruction at {@code pc} (an instruction may carry one). */
    public List<CoreRelocation> coreRelocationsAt(int pc) {
        return coreRelocations.stream().filter(c -> c.pc() == pc).toList();
    }
}
