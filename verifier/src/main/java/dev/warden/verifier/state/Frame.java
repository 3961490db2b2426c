package dev.warden.verifier.state;

import java.util.Arrays;

/**
 * One function activation: its registers r0..r10 and its 512 stack bytes (index 0 is r10-512,
 * index 511 is r10-1). Each stack entry is a {@link StackByte} or the {@link Spill} it belongs to.
 * Immutable: the arrays are never written after construction (copy on write).
 */
public final class Frame {
    public static final int STACK_SIZE = 512;
    public static final int REGISTERS = 11;

    final Value[] regs;
    final Object[] stack;
    private int hash;

    Frame(Value[] regs, Object[] stack) {
        this.regs = regs;
        this.stack = stack;
    }

    /** A fresh frame: all registers and bytes uninitialised, r10 the frame pointer of {@code depth}. */
    static Frame fresh(int depth) {
        Value[] regs = new Value[REGISTERS];
        Arrays.fill(regs, Value.UNINIT);
        regs[10] = Value.Ptr.of(PtrKind.STACK, depth, 0);
        Object[] stack = new Object[STACK_SIZE];
        Arrays.fill(stack, StackByte.UNINIT);
        return new Frame(regs, stack);
    }

    /** A copy of the stack cells, to be modified and handed to {@link #withStack}. */
    public Object[] stackCopy() {
        return stack.clone();
    }

    /** Whether this frame's stack is the very array of {@code o}'s (copy on write: then both are equal). */
    public boolean sharesStackWith(Frame o) {
        return stack == o.stack;
    }

    public Value reg(int r) {
        return regs[r];
    }

    /** The stack entry at byte index {@code i} (0..511). */
    public Object stackAt(int i) {
        return stack[i];
    }

    Frame withReg(int r, Value v) {
        if (regs[r] == v) {
            return this;
        }
        Value[] copy = regs.clone();
        copy[r] = v;
        return new Frame(copy, stack);
    }

    Frame withRegs(Value[] newRegs) {
        return new Frame(newRegs, stack);
    }

    /** This frame with another stack array (the caller hands over ownership of the array). */
    public Frame withStack(Object[] newStack) {
        return new Frame(regs, newStack);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Frame f) || hash != 0 && f.hash != 0 && hash != f.hash) {
            return false;
        }
        return Arrays.equals(regs, f.regs) && (stack == f.stack || Arrays.equals(stack, f.stack));
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(regs) * 31 + Arrays.hashCode(stack);
            hash = h == 0 ? 1 : h;
        }
        return hash;
    }
}
