package dev.warden.domains;

/** The width of an ALU operation or a comparison: the whole 64-bit register, or its low 32 bits. */
public enum Width {
    W64, W32
}
