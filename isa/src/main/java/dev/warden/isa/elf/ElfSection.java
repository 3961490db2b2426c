package dev.warden.isa.elf;

/**
 * One section header of the object: its index, name, ELF type ({@code SHT_*}), flags
 * ({@code SHF_*}), where its bytes lie in the file, and the two link fields.
 */
public record ElfSection(int index, String name, int type, long flags, long offset, long size, int link, int info) {
    static final int SHT_NULL = 0;
    static final int SHT_PROGBITS = 1;
    static final int SHT_SYMTAB = 2;
    static final int SHT_STRTAB = 3;
    static final int SHT_RELA = 4;
    static final int SHT_NOBITS = 8;
    static final int SHT_REL = 9;
    static final long SHF_WRITE = 1;
    static final long SHF_ALLOC = 2;
    static final long SHF_EXECINSTR = 4;

    /** The type as {@code readelf} names it. */
    public String typeName() {
        return switch (type) {
            case SHT_NULL -> "NULL";
            case SHT_PROGBITS -> "PROGBITS";
            case SHT_SYMTAB -> "SYMTAB";
            case SHT_STRTAB -> "STRTAB";
            case SHT_RELA -> "RELA";
            case 5 -> "HASH";
            case 6 -> "DYNAMIC";
            case 7 -> "NOTE";
            case SHT_NOBITS -> "NOBITS";
            case SHT_REL -> "REL";
            case 0x6fff4c03 -> "LLVM_ADDRSIG";
            default -> String.format("0x%x", type);
        };
    }

    /** The write, alloc and exec flags as {@code readelf} prints them ({@code WAX}). */
    public String flagLetters() {
        return ((flags & SHF_WRITE) != 0 ? "W" : "") + ((flags & SHF_ALLOC) != 0 ? "A" : "")
                + ((flags & SHF_EXECINSTR) != 0 ? "X" : "");
    }

    /** Whether the section holds eBPF code. */
    public boolean isCode() {
        return type == SHT_PROGBITS && (flags & SHF_EXECINSTR) != 0;
    }

    /** Whether the section occupies bytes in the file ({@code NOBITS} sections, like {@code .bss}, do not). */
    boolean hasFileData() {
        return type != SHT_NOBITS && type != SHT_NULL;
    }
}
