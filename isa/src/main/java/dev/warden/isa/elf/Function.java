package dev.warden.isa.elf;

/**
 * A function placed in a linked program: the entry function at pc 0, then each subprogram
 * appended from {@code .text}. It occupies slots {@code [pc, pc + slots)} and comes from
 * byte {@code sectionOffset} of {@code section}.
 */
public record Function(String name, int pc, int slots, String section, long sectionOffset) {}
