package dev.warden.isa.random;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * What a {@link GeneratedProgram} leaves when it exits: registers r0-r9 (all 64 bits) and its
 * stack area. Two engines agree on a program when their exit states are equal.
 *
 * @param registers r0..r9, in order (10 values)
 * @param stack     the stack area, lowest address first: byte 0 is at {@code r10 - stack.length}
 */
public record ExitState(long[] registers, byte[] stack) {
    public static final int REGISTERS = 10;

    public ExitState {
        if (registers.length != REGISTERS) {
            throw new IllegalArgumentException("an exit state holds r0-r9, not " + registers.length + " registers");
        }
        registers = registers.clone();
        stack = stack.clone();
    }

    @Override
    public long[] registers() {
        return registers.clone();
    }

    @Override
    public byte[] stack() {
        return stack.clone();
    }

    public long register(int number) {
        return registers[number];
    }

    /** The 64-bit little-endian value of the stack slot at {@code r10 - 8 * (slot + 1)}. */
    public long stackSlot(int slot) {
        int base = stack.length - 8 * (slot + 1);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (stack[base + i] & 0xff);
        }
        return v;
    }

    /** The differences from {@code other}, one line each ("r3: 0x1 vs 0x2"); empty when equal. */
    public List<String> differences(ExitState other) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < REGISTERS; i++) {
            if (registers[i] != other.registers[i]) {
                out.add("r" + i + ": 0x" + Long.toHexString(registers[i]) + " vs 0x" + Long.toHexString(other.registers[i]));
            }
        }
        if (stack.length != other.stack.length) {
            out.add("stack size: " + stack.length + " vs " + other.stack.length);
        } else {
            for (int slot = 0; slot < stack.length / 8; slot++) {
                if (stackSlot(slot) != other.stackSlot(slot)) {
                    out.add("*(u64 *)(r10 - " + 8 * (slot + 1) + "): 0x" + Long.toHexString(stackSlot(slot))
                            + " vs 0x" + Long.toHexString(other.stackSlot(slot)));
                }
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExitState e && Arrays.equals(registers, e.registers) && Arrays.equals(stack, e.stack);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(registers) + Arrays.hashCode(stack);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ExitState[");
        for (int i = 0; i < REGISTERS; i++) {
            sb.append(i == 0 ? "" : " ").append('r').append(i).append("=0x").append(Long.toHexString(registers[i]));
        }
        return sb.append(" stack=").append(HexFormat.of().formatHex(stack)).append(']').toString();
    }
}
