package dev.warden.isa.elf;

/**
 * The source position of the instruction at {@code pc} (from BTF line information): file, line,
 * column (0 when unknown) and the text of the source line as clang recorded it.
 */
public record LineInfo(int pc, String file, int line, int column, String source) {}
