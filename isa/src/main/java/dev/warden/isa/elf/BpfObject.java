package dev.warden.isa.elf;

import java.util.List;
import java.util.Optional;

/**
 * A {@code clang -target bpf} relocatable object, read and linked: its section headers, its
 * programs (each self-contained, subprograms appended), its maps in index order, its license
 * (empty when the object has no {@code license} section), and each {@code .text} function linked
 * on its own as if it were an entry ({@code textFunctions}, section {@code .text}: verifiers are
 * asked to load these one by one when comparing verdicts function by function).
 */
public record BpfObject(List<ElfSection> sections, List<BpfProgram> programs, List<BpfMap> maps, String license,
                        List<BpfProgram> textFunctions) {
    public BpfObject {
        sections = List.copyOf(sections);
        programs = List.copyOf(programs);
        maps = List.copyOf(maps);
        textFunctions = List.copyOf(textFunctions);
    }

    /** An object without {@code .text} functions of its own (assembled or synthesised programs). */
    public BpfObject(List<ElfSection> sections, List<BpfProgram> programs, List<BpfMap> maps, String license) {
        this(sections, programs, maps, license, List.of());
    }

    /** The program whose entry function has this name. */
    public Optional<BpfProgram> program(String name) {
        return programs.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The programs of one section, in the order of their entry functions. */
    public List<BpfProgram> programsInSection(String section) {
        return programs.stream().filter(p -> p.section().equals(section)).toList();
    }

    public Optional<BpfMap> map(String name) {
        return maps.stream().filter(m -> m.name().equals(name)).findFirst();
    }
}
