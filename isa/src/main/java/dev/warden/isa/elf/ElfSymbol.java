package dev.warden.isa.elf;

/** One entry of {@code .symtab}. */
record ElfSymbol(int index, String name, int type, int bind, int shndx, long value, long size) {
    static final int STT_NOTYPE = 0;
    static final int STT_OBJECT = 1;
    static final int STT_FUNC = 2;
    static final int STT_SECTION = 3;
    static final int SHN_UNDEF = 0;
    /** Indices from here on (ABS, COMMON, XINDEX...) name no section header. */
    static final int SHN_LORESERVE = 0xff00;
}
