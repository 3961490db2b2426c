package dev.warden.isa;

/** The source operand of an ALU or conditional-jump instruction: a register or a 32-bit immediate. */
public sealed interface Operand permits Reg, Imm {}
