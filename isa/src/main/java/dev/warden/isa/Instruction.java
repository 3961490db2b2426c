package dev.warden.isa;

/**
 * One eBPF instruction of RFC 9669 up to CPU v4, as an immutable value. Each record validates
 * its fields, so an instruction that exists can be encoded. All instructions occupy one 8-byte
 * slot except {@link LoadImm64}, which occupies two; jump offsets count slots.
 *
 * <p>Offsets are 16-bit signed values held in an {@code int}; immediates are 32-bit.
 */
public sealed interface Instruction {

    /** Number of 8-byte slots the instruction occupies. */
    default int slots() {
        return 1;
    }

    /** {@code dst = dst op src} (§4.1). NEG ignores its operand, which must be {@code Imm(0)}. */
    record Alu(Width width, AluOp op, Reg dst, Operand src) implements Instruction {
        public Alu {
            require(op.validAt(width), "movsx32 exists only at 64 bits");
            if (op == AluOp.NEG) {
                require(src.equals(new Imm(0)), "neg takes no operand");
            }
            if (op.isSignExtendingMove()) {
                require(src instanceof Reg, "movsx takes a register source");
            }
        }
    }

    /**
     * Byte-order conversion (§4.2): to little or big endian (the ALU class, a no-op or a swap
     * depending on the host order, which eBPF defines as little-endian) or an unconditional
     * swap (ALU64 class, v4). The value is truncated to {@code bits} and zero-extended.
     */
    record Endian(ByteOrder order, int bits, Reg dst) implements Instruction {
        public Endian {
            require(bits == 16 || bits == 32 || bits == 64, "byte swap width must be 16, 32 or 64");
        }
    }

    /** The three byte-order conversions. */
    enum ByteOrder { TO_LE, TO_BE, SWAP }

    /** Conditional jump (§4.3): {@code if dst cond src goto pc + 1 + offset}. */
    record Jump(Width width, JmpCond cond, Reg dst, Operand src, int offset) implements Instruction {
        public Jump {
            requireOffset(offset);
        }
    }

    /**
     * Unconditional jump (§4.3): {@code goto pc + 1 + offset}. The JMP class holds a 16-bit
     * offset in the offset field; the JMP32 class ("gotol", v4) a 32-bit one in the immediate.
     */
    record Goto(int offset, GotoForm form) implements Instruction {
        public Goto {
            if (form == GotoForm.SHORT) {
                requireOffset(offset);
            }
        }

        public static Goto of(int offset) {
            return new Goto(offset, offset == (short) offset ? GotoForm.SHORT : GotoForm.LONG);
        }
    }

    /** Where an unconditional jump keeps its offset. */
    enum GotoForm { SHORT, LONG }

    /**
     * A call (§4.3.1): to a helper by static id, to a local function at {@code pc + 1 + imm},
     * or to a kernel function by BTF id.
     */
    record Call(CallKind kind, int imm) implements Instruction {}

    /** What a {@link Call}'s immediate names. */
    enum CallKind {
        HELPER(0),
        LOCAL(1),
        KFUNC(2);

        private final int code;

        CallKind(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    /** Call to the helper whose id is held in a register (the ISA's {@code callx}). */
    record CallX(Reg target) implements Instruction {}

    /** Return from the current function, with r0 as the result. */
    record Exit() implements Instruction {}

    /**
     * 64-bit immediate load (§5.4), two slots: {@code imm} is the first slot's immediate,
     * {@code nextImm} the second's. For {@link Pseudo#IMM64} the value is
     * {@code nextImm << 32 | imm}; for the other pseudo sources the loader resolves them.
     */
    record LoadImm64(Reg dst, Pseudo pseudo, int imm, int nextImm) implements Instruction {
        public LoadImm64 {
            require(pseudo.usesNextImm() || nextImm == 0,
                    pseudo + " leaves the second immediate unused; it must be zero");
        }

        /** A plain 64-bit constant load. */
        public static LoadImm64 of(Reg dst, long value) {
            return new LoadImm64(dst, Pseudo.IMM64, (int) value, (int) (value >>> 32));
        }

        /** The 64-bit value the two immediates form. */
        public long value() {
            return ((long) nextImm << 32) | (imm & 0xffff_ffffL);
        }

        @Override
        public int slots() {
            return 2;
        }
    }

    /**
     * Load (§5.1): {@code dst = *(size *)(src + offset)}, zero-extended, or sign-extended
     * (v4, sizes B, H and W only).
     */
    record Load(Size size, Extension extension, Reg dst, Reg src, int offset) implements Instruction {
        public Load {
            requireOffset(offset);
            require(extension == Extension.ZERO || size != Size.DW, "a sign-extending load cannot be 64 bits wide");
        }
    }

    /** How a narrow load fills the upper bits. */
    enum Extension { ZERO, SIGN }

    /** Store of an immediate (§5.1): {@code *(size *)(dst + offset) = imm}. */
    record StoreImm(Size size, Reg dst, int offset, int imm) implements Instruction {
        public StoreImm {
            requireOffset(offset);
        }
    }

    /** Store of a register (§5.1): {@code *(size *)(dst + offset) = src}. */
    record StoreReg(Size size, Reg dst, Reg src, int offset) implements Instruction {
        public StoreReg {
            requireOffset(offset);
        }
    }

    /**
     * Atomic operation on {@code *(size *)(dst + offset)} with {@code src} (§5.3); 32- or 64-bit.
     * With {@link Fetch#FETCH} the old value is returned in {@code src} (in r0 for CMPXCHG).
     */
    record Atomic(Size size, AtomicOp op, Fetch fetch, Reg dst, Reg src, int offset) implements Instruction {
        public Atomic {
            requireOffset(offset);
            require(size == Size.W || size == Size.DW, "atomic operations are 32 or 64 bits wide");
            require(!op.alwaysFetches() || fetch == Fetch.FETCH, op + " always fetches");
        }

        /** The immediate that encodes the operation. */
        public int imm() {
            return op.code() | (fetch == Fetch.FETCH ? AtomicOp.FETCH : 0);
        }
    }

    /** Whether an atomic operation returns the old value. */
    enum Fetch { NO_FETCH, FETCH }

    /**
     * Legacy packet access (§5.5, deprecated): {@code r0 = ntoh(*(size *)(skb->data + imm))}
     * for ABS, {@code + src + imm} for IND. Kept for completeness of decoding and assembly;
     * they have meaning only where a packet context exists.
     */
    record PacketLoad(PacketMode mode, Size size, Reg src, int imm) implements Instruction {
        public PacketLoad {
            require(size != Size.DW, "legacy packet loads are at most 32 bits wide");
            require(mode == PacketMode.IND || src == Reg.R0, "absolute packet loads take no source register");
        }
    }

    /** Addressing of a legacy packet load. */
    enum PacketMode { ABS, IND }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void requireOffset(int offset) {
        require(offset == (short) offset, "offset " + offset + " does not fit in 16 bits");
    }
}
