package dev.warden.isa.elf;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code clang -target bpf} relocatable object, read and linked: its section headers, its
 * programs (each self-contained, subprograms appended), its maps in index order, its license
 * (empty when the object has no {@code license} section), its BTF when it has a {@code .BTF}
 * section, and each {@code .text} function linked on its own as if it were an entry
 * ({@code textFunctions}, section {@code .text}: verifiers are asked to load these one by one when
 * comparing verdicts function by function).
 */
public record BpfObject(List<ElfSection> sections, List<BpfProgram> programs, List<BpfMap> maps, String license,
                        Optional<Btf> btf, List<BpfProgram> textFunctions) {
    public BpfObject {
        sections = List.copyOf(sections);
        programs = List.copyOf(programs);
        maps = List.copyOf(maps);
        Objects.requireNonNull(license);
        Objects.requireNonNull(btf);
        textFunctions = List.copyOf(textFunctions);
    }

    /** An object without BTF and without {@code .text} functions of its own (assembled or synthesised programs). */
    public BpfObject(List<ElfSection> sections, List<BpfProgram> programs, List<BpfMap> maps, String license) {
        this(sections, programs, maps, license, Optional.empty(), List.of());
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

    /**
     * The BTF function of this name (entry functions and subprograms alike), which says whether it
     * is global (verified once against its prototype) or static, and gives its prototype.
     */
    public Optional<BtfType.Func> btfFunction(String name) {
        return btf.flatMap(b -> b.function(name));
    }
}
