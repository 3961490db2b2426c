package dev.warden.isa.random;

import static dev.warden.isa.Reg.R0;
import static dev.warden.isa.Reg.R1;
import static dev.warden.isa.Reg.R10;
import static dev.warden.isa.Reg.R2;
import static dev.warden.isa.Reg.R3;
import static dev.warden.isa.Reg.R4;
import static dev.warden.isa.Reg.R5;
import static dev.warden.isa.Reg.R7;
import static dev.warden.isa.Reg.R8;
import static dev.warden.isa.Reg.R9;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Emits the {@link Shape}s of {@link PointerProgramGenerator}: the pieces that reach the verifier's
 * finer rules (stack-or-NULL pointers and helper arguments that take NULL, arms kept apart in
 * unrolled rounds, header walks, packet flags, packet pointers meeting at joins). Each is safe by
 * construction unless told to carry a flaw; a flaw is planted just before the instruction that
 * faults when a bad input reaches it, so a fault anywhere else means the generator is wrong.
 *
 * <p>Registers as in the generator: r7 {@code data}, r8 {@code data_end}, r9 the loop counter
 * (shapes with their own loop are made only outside other loops), r0-r5 scratch. The stack
 * pointer of the NULL shapes points to 8 bytes of the value buffer, stored first (Linux wants
 * helper memory initialised).
 */
final class ShapeEmitter {
    /** Where a shape goes: shapes with their own loop need r9, which an enclosing loop holds. */
    enum Placement { TOP_LEVEL, INSIDE_A_LOOP }

    private static final int BUFFER = -16;
    private static final int SCRATCH = -136;
    private static final int CSUM_DIFF = 28;

    private final CodeBuilder code;
    private final SplittableRandom rnd;
    private final Consumer<Hazard> plant;
    /** Puts into r3 a scalar the verifier knows nothing about; may call a helper (r0-r5 clobbered). */
    private final Runnable unknownScalarInR3;
    private final List<Shape> made;

    ShapeEmitter(CodeBuilder code, SplittableRandom rnd, Consumer<Hazard> plant, Runnable unknownScalarInR3,
                 List<Shape> made) {
        this.code = code;
        this.rnd = rnd;
        this.plant = plant;
        this.unknownScalarInR3 = unknownScalarInR3;
        this.made = made;
    }

    /** One shape, chosen evenly among those the placement allows. */
    void emit(Placement placement, boolean flaw) {
        emit(switch (rnd.nextInt(placement == Placement.TOP_LEVEL ? 5 : 3)) {
            case 0 -> Shape.STACK_OR_NULL;
            case 1 -> Shape.PACKET_FLAG;
            case 2 -> Shape.PACKET_MERGE;
            case 3 -> Shape.STACK_OR_NULL_ROUNDS;
            default -> Shape.HEADER_WALK;
        }, flaw);
    }

    /** This shape (one with its own loop only where r9 is free). */
    void emit(Shape shape, boolean flaw) {
        switch (shape) {
            case STACK_OR_NULL -> stackOrNull(flaw);
            case STACK_OR_NULL_ROUNDS -> stackOrNullRounds(flaw);
            case HEADER_WALK -> headerWalk(flaw);
            case PACKET_FLAG -> packetFlag(flaw);
            case PACKET_MERGE -> packetMerge(flaw);
        }
    }

    /** A jump to {@code label} on the unknown scalar in r3, taken for some inputs and not for others. */
    private void onUnknown(Reg selector, int label) {
        if (rnd.nextBoolean()) {
            code.jump(JmpCond.JSET, selector, new Imm(1 << rnd.nextInt(3)), label);
        } else {
            code.jump(JmpCond.JGT, selector, new Imm(rnd.nextInt(64)), label);
        }
    }

    private Size size() {
        return switch (rnd.nextInt(4)) {
            case 0 -> Size.B;
            case 1 -> Size.H;
            case 2 -> Size.W;
            default -> Size.DW;
        };
    }

    /** A load into r0 or a store of an immediate: no pointer is ever stored where it could leak. */
    private void access(Reg base, int offset, Size size) {
        if (rnd.nextBoolean()) {
            code.load(size, R0, base, offset);
        } else {
            code.store(size, base, offset, rnd.nextInt(256));
        }
    }

    /**
     * {@code p = x ? buffer : NULL}, then either {@code if (p) access(p)} or
     * {@code bpf_csum_diff(p, 0, ...)} (or as {@code to}). Flaws: the helper given a size with it,
     * the access without a null check or behind one that goes the wrong way.
     */
    void stackOrNull(boolean flaw) {
        made.add(Shape.STACK_OR_NULL);
        code.store(Size.DW, R10, BUFFER, rnd.nextInt());
        unknownScalarInR3.run();
        code.mov(R4, 0);
        int join = code.newLabel();
        onUnknown(R3, join);
        code.mov(R4, R10);
        code.alu(AluOp.ADD, R4, BUFFER);
        code.bind(join);
        if (rnd.nextBoolean()) {
            int size = flaw ? 4 * (1 + rnd.nextInt(2)) : 0;
            if (rnd.nextBoolean()) {
                code.mov(R1, R4);
                code.mov(R2, size);
                code.mov(R3, 0);
                code.mov(R4, 0);
            } else {
                code.mov(R1, 0);
                code.mov(R2, 0);
                code.mov(R3, R4);
                code.mov(R4, size);
            }
            code.mov(R5, rnd.nextInt());
            if (flaw) {
                plant.accept(Hazard.NULL_OR_STACK_SIZED);
            }
            code.call(CSUM_DIFF);
            return;
        }
        Hazard hazard = flaw ? rnd.nextBoolean() ? Hazard.NULL_OR_STACK_UNCHECKED : Hazard.NULL_OR_STACK_CHECK_INVERTED : null;
        int skip = code.newLabel();
        if (hazard != Hazard.NULL_OR_STACK_UNCHECKED) {
            code.jump(hazard == Hazard.NULL_OR_STACK_CHECK_INVERTED ? JmpCond.JNE : JmpCond.JEQ, R4, new Imm(0), skip);
        }
        Size size = size();
        int offset = rnd.nextInt(8 / size.bytes()) * size.bytes();
        if (hazard != null) {
            plant.accept(hazard);
        }
        access(R4, offset, size);
        code.bind(skip);
    }

    /**
     * For 2 to 4 rounds: {@code switch (x) { (buffer, 8, NULL, 0); (NULL, 0, buffer, 4);
     * (NULL, 0, NULL, 0) }} and one {@code bpf_csum_diff} call after the arms meet. Flaw: one arm
     * leaves its pointer NULL but gives a size.
     */
    void stackOrNullRounds(boolean flaw) {
        made.add(Shape.STACK_OR_NULL_ROUNDS);
        int rounds = 2 + rnd.nextInt(3);
        int flawedArm = flaw ? rnd.nextInt(3) : -1;
        code.store(Size.DW, R10, BUFFER, rnd.nextInt());
        code.mov(R9, 0);
        int head = code.newLabel();
        int second = code.newLabel();
        int third = code.newLabel();
        int call = code.newLabel();
        code.bind(head);
        unknownScalarInR3.run();
        code.mov(R0, R3);
        code.mov(R1, 0);
        code.mov(R2, 0);
        code.mov(R3, 0);
        code.mov(R4, 0);
        code.jump(JmpCond.JSET, R0, new Imm(1), second);
        if (flawedArm != 0) {
            code.mov(R1, R10);
            code.alu(AluOp.ADD, R1, BUFFER);
        }
        code.mov(R2, 8);
        code.jumpTo(call);
        code.bind(second);
        code.jump(JmpCond.JSET, R0, new Imm(2), third);
        code.mov(R3, R10);
        code.alu(AluOp.ADD, R3, BUFFER);
        code.mov(R4, 4);
        if (flawedArm == 1) {
            code.mov(R2, 8);
        }
        code.jumpTo(call);
        code.bind(third);
        if (flawedArm == 2) {
            code.mov(R2, 4);
        }
        code.bind(call);
        code.mov(R5, rnd.nextInt());
        if (flaw) {
            plant.accept(Hazard.NULL_OR_STACK_SIZED);
        }
        code.call(CSUM_DIFF);
        code.alu(AluOp.ADD, R9, 1);
        code.jump(JmpCond.JLT, R9, new Imm(rounds), head);
    }

    /**
     * {@code prev = data + s; if (prev + n > end) out; cur = prev + f; for 2..4 rounds
     * { read prev[k]; if (cur + n > end) out; len = cur[n - 1]; prev = cur; cur += (len & m) * 8 + 8 }}:
     * each header checked for {@code n} bytes. Flaws: the check one short, skipped in one round,
     * or the previous header read one byte past its {@code n}.
     */
    void headerWalk(boolean flaw) {
        made.add(Shape.HEADER_WALK);
        int rounds = 2 + rnd.nextInt(3);
        int n = 2 + rnd.nextInt(7);
        int start = rnd.nextInt(16);
        int firstStep = n + rnd.nextInt(8);
        int mask = (1 << rnd.nextInt(4)) - 1;
        Hazard hazard = flaw ? switch (rnd.nextInt(3)) {
            case 0 -> Hazard.HEADER_WALK_CHECK_OFF_BY_ONE;
            case 1 -> Hazard.HEADER_WALK_CHECK_SKIPPED;
            default -> Hazard.HEADER_WALK_PREVIOUS_PAST_CHECK;
        } : null;
        int out = code.newLabel();
        code.mov(R4, R7);
        code.alu(AluOp.ADD, R4, start);
        code.mov(R1, R4);
        code.alu(AluOp.ADD, R1, n);
        code.jump(JmpCond.JGT, R1, R8, out);
        code.mov(R2, R4);
        code.alu(AluOp.ADD, R2, firstStep);
        code.mov(R9, 0);
        int head = code.newLabel();
        code.bind(head);
        // The previous header, before the current one is checked: only its own round's check covers it.
        Size read = rnd.nextBoolean() ? Size.H : Size.B;
        int k = hazard == Hazard.HEADER_WALK_PREVIOUS_PAST_CHECK
                ? n - read.bytes() + 1
                : rnd.nextInt(n - read.bytes() + 1);
        if (hazard == Hazard.HEADER_WALK_PREVIOUS_PAST_CHECK) {
            plant.accept(hazard);
        }
        code.load(read, R0, R4, k);
        int checked = code.newLabel();
        if (hazard == Hazard.HEADER_WALK_CHECK_SKIPPED) {
            code.jump(JmpCond.JEQ, R9, new Imm(rnd.nextInt(rounds)), checked);
        }
        code.mov(R1, R2);
        code.alu(AluOp.ADD, R1, hazard == Hazard.HEADER_WALK_CHECK_OFF_BY_ONE ? n - 1 : n);
        code.jump(JmpCond.JGT, R1, R8, out);
        code.bind(checked);
        if (hazard == Hazard.HEADER_WALK_CHECK_OFF_BY_ONE || hazard == Hazard.HEADER_WALK_CHECK_SKIPPED) {
            plant.accept(hazard);
        }
        code.load(Size.B, R3, R2, n - 1); // the length byte: the last one checked
        code.mov(R4, R2);
        code.alu(AluOp.AND, R3, mask);
        code.alu(AluOp.LSH, R3, 3);
        code.alu(AluOp.ADD, R2, R3);
        code.alu(AluOp.ADD, R2, 8);
        code.alu(AluOp.ADD, R9, 1);
        code.jump(JmpCond.JLT, R9, new Imm(rounds), head);
        code.bind(out);
    }

    /**
     * {@code ok = 0; if (p + end <= data_end) ok = 1; [spill ok and fill it back]; if (ok) access(p)},
     * {@code p} at {@code data} or {@code data} plus a masked unknown. Flaws: the test inverted, or
     * the check one byte short.
     */
    void packetFlag(boolean flaw) {
        made.add(Shape.PACKET_FLAG);
        Size size = size();
        int offset = rnd.nextInt(4) == 0 ? rnd.nextInt(64) : rnd.nextInt(16);
        int end = offset + size.bytes();
        Hazard hazard = flaw ? rnd.nextBoolean() ? Hazard.PACKET_FLAG_INVERTED : Hazard.PACKET_FLAG_CHECK_SHORT : null;
        if (rnd.nextBoolean()) {
            unknownScalarInR3.run();
            code.alu(AluOp.AND, R3, (1 << (2 + rnd.nextInt(5))) - 1);
            code.mov(R2, R7);
            code.alu(AluOp.ADD, R2, R3);
        } else {
            code.mov(R2, R7);
        }
        code.mov(R4, 0);
        code.mov(R1, R2);
        code.alu(AluOp.ADD, R1, hazard == Hazard.PACKET_FLAG_CHECK_SHORT ? end - 1 : end);
        int set = code.newLabel();
        code.jump(JmpCond.JGT, R1, R8, set);
        code.mov(R4, 1);
        code.bind(set);
        if (rnd.nextBoolean()) {
            int slot = SCRATCH + 8 * rnd.nextInt(8);
            code.store(Size.DW, R10, slot, R4);
            code.mov(R4, rnd.nextInt());
            code.load(Size.DW, R4, R10, slot);
        }
        int skip = code.newLabel();
        code.jump(hazard == Hazard.PACKET_FLAG_INVERTED ? JmpCond.JNE : JmpCond.JEQ, R4, new Imm(0), skip);
        if (hazard != null) {
            plant.accept(hazard);
        }
        access(R2, offset, size);
        code.bind(skip);
    }

    /**
     * Two packet pointers {@code data + a} and {@code data + b} meeting at a join: checked on each
     * side for its own length and accessed within the shorter after the join, or checked once after
     * it. Flaw: the access reaches the longer side's length.
     */
    void packetMerge(boolean flaw) {
        made.add(Shape.PACKET_MERGE);
        Size size = size();
        int a = rnd.nextInt(16);
        int b = rnd.nextInt(16);
        unknownScalarInR3.run();
        int other = code.newLabel();
        int join = code.newLabel();
        int skip = code.newLabel();
        if (!flaw && rnd.nextInt(3) == 0) {
            // Offsets joined unchecked, then one check covers either.
            onUnknown(R3, other);
            pointer(a);
            code.jumpTo(join);
            code.bind(other);
            pointer(b);
            code.bind(join);
            int offset = rnd.nextInt(8);
            checkFor(offset + size.bytes(), skip);
            access(R2, offset, size);
            code.bind(skip);
            return;
        }
        int lengthA = size.bytes() + rnd.nextInt(16);
        int lengthB = size.bytes() + rnd.nextInt(16);
        if (flaw && lengthA == lengthB) {
            lengthB += 1 + rnd.nextInt(8);
        }
        onUnknown(R3, other);
        pointer(a);
        checkFor(lengthA, skip);
        code.jumpTo(join);
        code.bind(other);
        pointer(b);
        checkFor(lengthB, skip);
        code.bind(join);
        int room = flaw ? Math.max(lengthA, lengthB) : Math.min(lengthA, lengthB);
        int offset = flaw ? room - size.bytes() : rnd.nextInt(room - size.bytes() + 1);
        if (flaw) {
            plant.accept(Hazard.PACKET_MERGE_RANGE_SHORT);
        }
        access(R2, offset, size);
        code.bind(skip);
    }

    private void pointer(int offset) {
        code.mov(R2, R7);
        code.alu(AluOp.ADD, R2, offset);
    }

    /** {@code if (r2 + length > data_end) goto skip}. */
    private void checkFor(int length, int skip) {
        code.mov(R1, R2);
        code.alu(AluOp.ADD, R1, length);
        code.jump(JmpCond.JGT, R1, R8, skip);
    }
}
