package dev.warden.isa.elf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The generic ELF64 layer: file header, section headers with their names, the symbol table and
 * relocation entries. It knows nothing of eBPF beyond the machine number it requires.
 */
final class ElfFile {
    static final int EM_BPF = 247;
    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;
    private static final int REL_SIZE = 16;

    final Bytes file;
    final List<ElfSection> sections;
    final List<ElfSymbol> symbols;

    private ElfFile(Bytes file, List<ElfSection> sections, List<ElfSymbol> symbols) {
        this.file = file;
        this.sections = sections;
        this.symbols = symbols;
    }

    static ElfFile parse(byte[] data) throws ElfFormatException {
        Bytes f = Bytes.of(data);
        if (f.length() < 4 || f.u8(0, "magic") != 0x7f || f.u8(1, "magic") != 'E' || f.u8(2, "magic") != 'L'
                || f.u8(3, "magic") != 'F') {
            throw f.error(0, "not an ELF file: expected magic 7f 45 4c 46");
        }
        f.u8(EHDR_SIZE - 1, "ELF header (64 bytes)");
        expect(f, 4, f.u8(4, "class"), 2, "ELF class: expected 2 (64-bit)");
        expect(f, 5, f.u8(5, "data encoding"), 1, "data encoding: expected 1 (little-endian)");
        expect(f, 6, f.u8(6, "ident version"), 1, "ELF version: expected 1");
        expect(f, 16, f.u16(16, "e_type"), 1, "e_type: expected 1 (ET_REL, a relocatable object from clang -c)");
        expect(f, 18, f.u16(18, "e_machine"), EM_BPF, "e_machine: expected 247 (EM_BPF); compile with clang -target bpf");
        long shoff = f.u64(40, "e_shoff");
        int shentsize = f.u16(58, "e_shentsize");
        int shnum = f.u16(60, "e_shnum");
        int shstrndx = f.u16(62, "e_shstrndx");
        if (shoff == 0 || shnum == 0) {
            throw f.error(40, "the object has no section headers (e_shoff " + shoff + ", e_shnum " + shnum + ")");
        }
        expect(f, 58, shentsize, SHDR_SIZE, "e_shentsize: expected 64");
        if (shstrndx >= shnum) {
            throw f.error(62, "e_shstrndx " + shstrndx + " names no section (there are " + shnum + ")");
        }
        Bytes table = f.slice(shoff, (long) shnum * SHDR_SIZE, "section header table");
        List<long[]> raw = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            int at = i * SHDR_SIZE;
            raw.add(new long[] {
                table.u32l(at, "sh_name"), table.u32l(at + 4, "sh_type"), table.u64(at + 8, "sh_flags"),
                table.u64(at + 24, "sh_offset"), table.u64(at + 32, "sh_size"),
                table.u32l(at + 40, "sh_link"), table.u32l(at + 44, "sh_info"), table.fileOffset(at)});
        }
        long[] strHeader = raw.get(shstrndx);
        if (strHeader[1] != ElfSection.SHT_STRTAB) {
            throw f.error(strHeader[7], "section " + shstrndx + " (e_shstrndx) is not a string table");
        }
        Bytes names = f.slice(strHeader[3], strHeader[4], "", "section name string table");
        List<ElfSection> sections = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            long[] h = raw.get(i);
            String name = i == 0 ? "" : names.cString(h[0], "name of section " + i);
            ElfSection s = new ElfSection(i, name, (int) h[1], h[2], h[3], h[4], (int) h[5], (int) h[6]);
            // Checked here once, so later slices of section contents cannot fail for lack of bytes.
            // Unsigned: sh_offset and sh_size are 64-bit and a broken file may set the top bit.
            if (s.hasFileData() && (Long.compareUnsigned(s.offset(), f.length()) > 0
                    || Long.compareUnsigned(s.size(), f.length() - s.offset()) > 0)) {
                throw new ElfFormatException(new ElfError(h[7] + 24, name, "truncated contents of section " + i + " (" + name
                        + "): offset " + Long.toUnsignedString(s.offset()) + " and size " + Long.toUnsignedString(s.size())
                        + " reach past the end of the file (" + f.length() + " bytes)"));
            }
            sections.add(s);
        }
        ElfFile elf = new ElfFile(f, List.copyOf(sections), List.of());
        return new ElfFile(f, elf.sections, elf.readSymbols());
    }

    private static void expect(Bytes f, long at, int actual, int expected, String message) throws ElfFormatException {
        if (actual != expected) {
            throw f.error(at, message + ", found " + actual);
        }
    }

    /** The contents of a section that has file data, as a view named after the section. */
    Bytes contents(ElfSection s) throws ElfFormatException {
        if (!s.hasFileData()) {
            throw file.error(s.offset(), "section " + s.name() + " has no contents in the file (" + s.typeName() + ")");
        }
        return file.slice(s.offset(), s.size(), s.name(), "contents of section " + s.name());
    }

    Optional<ElfSection> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The section a symbol lies in, if its index names a real section header. */
    Optional<ElfSection> sectionOf(ElfSymbol sym) {
        if (sym.shndx() == ElfSymbol.SHN_UNDEF || sym.shndx() >= ElfSymbol.SHN_LORESERVE || sym.shndx() >= sections.size()) {
            return Optional.empty();
        }
        return Optional.of(sections.get(sym.shndx()));
    }

    private List<ElfSymbol> readSymbols() throws ElfFormatException {
        List<ElfSection> tables = sections.stream().filter(s -> s.type() == ElfSection.SHT_SYMTAB).toList();
        if (tables.isEmpty()) {
            return List.of();
        }
        if (tables.size() > 1) {
            ElfSection second = tables.get(1);
            throw file.error(second.offset(), "more than one symbol table (" + tables.get(0).name() + ", " + second.name() + ")");
        }
        ElfSection symtab = tables.get(0);
        if (symtab.link() <= 0 || symtab.link() >= sections.size() || sections.get(symtab.link()).type() != ElfSection.SHT_STRTAB) {
            throw file.error(symtab.offset(), "symbol table's sh_link " + symtab.link() + " is not a string table");
        }
        Bytes strings = contents(sections.get(symtab.link()));
        Bytes syms = contents(symtab);
        if (syms.length() % SYM_SIZE != 0) {
            throw syms.error(0, "symbol table size " + syms.length() + " is not a multiple of " + SYM_SIZE);
        }
        List<ElfSymbol> out = new ArrayList<>();
        for (int i = 0; i < syms.length() / SYM_SIZE; i++) {
            int at = i * SYM_SIZE;
            int info = syms.u8(at + 4, "st_info");
            int shndx = syms.u16(at + 6, "st_shndx");
            String name = strings.cString(syms.u32l(at, "st_name"), "name of symbol " + i);
            if ((info & 0xf) == ElfSymbol.STT_SECTION && shndx < sections.size()) {
                name = sections.get(shndx).name();
            }
            if (shndx != ElfSymbol.SHN_UNDEF && shndx < ElfSymbol.SHN_LORESERVE && shndx >= sections.size()) {
                throw syms.error(at + 6, "symbol " + i + " (" + name + ") names section " + shndx
                        + " but there are " + sections.size());
            }
            out.add(new ElfSymbol(i, name, info & 0xf, info >>> 4, shndx, syms.u64(at + 8, "st_value"), syms.u64(at + 16, "st_size")));
        }
        return List.copyOf(out);
    }

    /** One relocation entry: where it applies (section offset), its symbol and type. */
    record Rel(long offset, long fileOffset, ElfSymbol symbol, int type) {}

    /** The {@code REL} entries that apply to {@code target}; {@code RELA} is not produced by clang for BPF. */
    List<Rel> relocationsFor(ElfSection target) throws ElfFormatException {
        List<Rel> out = new ArrayList<>();
        for (ElfSection s : sections) {
            if ((s.type() != ElfSection.SHT_REL && s.type() != ElfSection.SHT_RELA) || s.info() != target.index()) {
                continue;
            }
            Bytes rel = contents(s);
            if (s.type() == ElfSection.SHT_RELA) {
                throw rel.error(0, "RELA relocations are not supported for BPF code (clang emits REL)");
            }
            if (rel.length() % REL_SIZE != 0) {
                throw rel.error(0, "relocation section size " + rel.length() + " is not a multiple of " + REL_SIZE);
            }
            for (int i = 0; i < rel.length() / REL_SIZE; i++) {
                int at = i * REL_SIZE;
                long offset = rel.u64(at, "r_offset");
                long info = rel.u64(at + 8, "r_info");
                long symIndex = info >>> 32;
                if (symIndex == 0 || symIndex >= symbols.size()) {
                    throw rel.error(at + 8, "relocation " + i + " refers to symbol " + symIndex + ", but the symbol table has "
                            + symbols.size() + (symIndex == 0 ? " (symbol 0 is the null symbol)" : ""));
                }
                out.add(new Rel(offset, rel.fileOffset(at), symbols.get((int) symIndex), (int) info));
            }
        }
        return out;
    }
}
