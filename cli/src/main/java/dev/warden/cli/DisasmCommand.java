package dev.warden.cli;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.asm.Disassembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfFormatException;
import dev.warden.isa.elf.ElfReader;
import dev.warden.isa.elf.ElfSection;
import dev.warden.isa.elf.Function;
import dev.warden.isa.elf.LineInfo;
import dev.warden.isa.elf.Relocation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code warden disasm prog.o [--section NAME]}: the object's sections and maps, then each
 * program as linked for loading (subprograms appended, map and global data references
 * resolved), one instruction per line with the source lines from BTF line information.
 */
@Command(name = "disasm", mixinStandardHelpOptions = true,
        description = "Disassemble a clang -target bpf object: sections, maps, and each program's instructions with source lines.")
public final class DisasmCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OBJECT", description = "the object file (clang -target bpf -c)")
    Path object;

    @Option(names = "--section", paramLabel = "NAME", description = "only the programs of this section (e.g. xdp, kprobe/sys_open)")
    Optional<String> section = Optional.empty();

    @Override
    public Integer call() {
        BpfObject obj = read(object);
        PrintWriter out = spec.commandLine().getOut();
        List<BpfProgram> programs = obj.programs();
        if (section.isPresent()) {
            programs = obj.programsInSection(section.get());
            if (programs.isEmpty()) {
                throw new UserError(object + ": no program in section " + section.get() + "; programs are in: "
                        + String.join(", ", obj.programs().stream().map(BpfProgram::section).distinct().toList()));
            }
        } else {
            out.println(object + ": eBPF relocatable object, license "
                    + (obj.license().isEmpty() ? "(none)" : "\"" + obj.license() + "\"")
                    + ", " + obj.programs().size() + " program" + (obj.programs().size() == 1 ? "" : "s")
                    + ", " + obj.maps().size() + " map" + (obj.maps().size() == 1 ? "" : "s"));
            printSections(out, obj);
            printMaps(out, obj);
        }
        for (BpfProgram p : programs) {
            out.println();
            printProgram(out, obj, p);
        }
        out.flush();
        return 0;
    }

    /** Reads the object, turning every failure into a located user error. */
    static BpfObject read(Path object) {
        try {
            return ElfReader.read(object);
        } catch (NoSuchFileException e) {
            throw new UserError(object + ": no such file");
        } catch (IOException e) {
            throw new UserError(object + ": cannot read: " + FileProblems.why(e));
        } catch (ElfFormatException e) {
            StringBuilder sb = new StringBuilder(object + ": not a usable eBPF object:");
            e.errors().forEach(err -> sb.append("\n  ").append(err));
            throw new UserError(sb.toString());
        }
    }

    private static void printSections(PrintWriter out, BpfObject obj) {
        out.println();
        out.println("Sections:");
        out.printf("  %4s  %-22s %-12s %-5s %8s %8s%n", "[Nr]", "Name", "Type", "Flags", "Offset", "Size");
        int debug = 0;
        for (ElfSection s : obj.sections()) {
            if (s.name().startsWith(".debug") || s.name().startsWith(".rel.debug")) {
                debug++;
                continue;
            }
            if (s.index() == 0) {
                continue;
            }
            out.printf("  [%2d]  %-22s %-12s %-5s %8s %8d%n", s.index(), s.name(), s.typeName(), s.flagLetters(),
                    "0x" + Long.toHexString(s.offset()), s.size());
        }
        if (debug > 0) {
            out.println("  (" + debug + " DWARF debug sections not shown)");
        }
    }

    private static void printMaps(PrintWriter out, BpfObject obj) {
        out.println();
        if (obj.maps().isEmpty()) {
            out.println("Maps: none");
            return;
        }
        out.println("Maps:");
        out.printf("  %3s  %-16s %-12s %-16s %5s %6s %11s  %s%n", "idx", "Name", "Declared", "Type", "Key", "Value",
                "Max entries", "Flags");
        for (BpfMap m : obj.maps()) {
            String declared = switch (m.kind()) {
                case BTF -> "BTF .maps";
                case LEGACY -> "maps";
                case GLOBAL_DATA -> "global data";
            };
            out.printf("  %3d  %-16s %-12s %-16s %5d %6d %11d  0x%x%n", m.index(), m.name(), declared, m.typeName(),
                    m.keySize(), m.valueSize(), m.maxEntries(), m.flags());
        }
    }

    private static void printProgram(PrintWriter out, BpfObject obj, BpfProgram p) {
        Program code = p.program();
        out.println("Program " + p.name() + " (section " + p.section() + "): " + code.size() + " instructions, "
                + code.slotCount() + " slots" + (p.functions().size() > 1 ? ", " + (p.functions().size() - 1) + " subprogram"
                + (p.functions().size() == 2 ? "" : "s") : ""));
        Map<Integer, LineInfo> lines = new HashMap<>();
        p.lines().forEach(l -> lines.putIfAbsent(l.pc(), l));
        Map<Integer, Function> functions = new HashMap<>();
        p.functions().forEach(f -> functions.putIfAbsent(f.pc(), f));
        Map<Integer, Relocation> relocations = new HashMap<>();
        p.relocations().forEach(r -> relocations.putIfAbsent(r.pc(), r));
        LineInfo shown = null; // the last source line printed, so that a line shows once per run of instructions
        for (int i = 0; i < code.size(); i++) {
            int pc = code.pcOf(i);
            Optional<Function> fn = Optional.ofNullable(functions.get(pc));
            if (fn.isPresent()) {
                shown = null;
                out.println("<" + fn.get().name() + ">" + (fn.get().section().equals(p.section()) ? "" : " from " + fn.get().section()) + ":");
            }
            Optional<LineInfo> line = Optional.ofNullable(lines.get(pc));
            if (line.isPresent() && line.get().line() > 0 && (shown == null || shown.line() != line.get().line()
                    || !shown.file().equals(line.get().file()))) {
                LineInfo l = line.get();
                shown = l;
                out.println("; " + l.source().strip() + "  [" + l.file() + ":" + l.line() + (l.column() > 0 ? ":" + l.column() : "") + "]");
            }
            Instruction insn = code.get(i);
            String text = String.format("%5d: %s", pc, Disassembler.format(pc, insn));
            String note = annotation(obj, Optional.ofNullable(relocations.get(pc)), pc, insn);
            out.println(note.isEmpty() ? text : String.format("%-44s ; %s", text, note));
        }
    }

    /** What a relocated instruction refers to, or where a jump lands. */
    private static String annotation(BpfObject obj, Optional<Relocation> relocation, int pc, Instruction insn) {
        if (relocation.isPresent()) {
            return switch (relocation.get()) {
                case Relocation.MapRef m -> "map " + obj.maps().get(m.mapIndex()).name();
                case Relocation.MapValue v -> obj.maps().get(v.mapIndex()).name() + "+" + v.offset()
                        + (v.symbol().equals(obj.maps().get(v.mapIndex()).name()) ? "" : " (" + v.symbol() + ")");
                case Relocation.LocalCall c -> "-> " + c.targetPc() + " <" + c.symbol() + ">";
                case Relocation.FunctionAddress f -> "&" + f.symbol() + " at " + f.targetPc();
                case Relocation.KfuncCall k -> "kfunc " + k.symbol();
                case Relocation.ExternCall c -> "extern " + c.symbol() + "()";
                case Relocation.ExternVariable v -> "&extern " + v.symbol() + (v.offset() == 0 ? "" : "+" + v.offset());
            };
        }
        return Program.hasTarget(insn) ? "-> " + Program.targetOf(pc, insn) : "";
    }
}
