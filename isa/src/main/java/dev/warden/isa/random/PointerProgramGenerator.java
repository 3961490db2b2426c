package dev.warden.isa.random;

import static dev.warden.isa.Reg.R0;
import static dev.warden.isa.Reg.R1;
import static dev.warden.isa.Reg.R10;
import static dev.warden.isa.Reg.R2;
import static dev.warden.isa.Reg.R3;
import static dev.warden.isa.Reg.R4;
import static dev.warden.isa.Reg.R5;
import static dev.warden.isa.Reg.R6;
import static dev.warden.isa.Reg.R7;
import static dev.warden.isa.Reg.R8;
import static dev.warden.isa.Reg.R9;

import dev.warden.isa.AluOp;
import dev.warden.isa.AtomicOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Size;
import dev.warden.isa.Width;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.isa.elf.MapType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Makes random xdp programs that work with pointers, for checking a verifier's soundness and
 * precision against the checking interpreter: packet accesses behind bounds checks (fixed and
 * variable offsets, {@code data_end - data} as a length, checks in every direction and form),
 * stack stores and loads (scalars, pointer spills, variable offsets), map lookups with value
 * accesses, map updates, global data, helpers with memory arguments, branches and counter loops,
 * and (one piece in {@value #SHAPE_ONE_IN}) the {@link Shape}s that reach the verifier's finer rules:
 * stack-or-NULL pointers, arms kept apart in unrolled rounds, header walks, packet flags, packet
 * pointers meeting at joins ({@link ShapeEmitter}).
 *
 * <p>About half the programs are meant safe and half carry one planted flaw ({@link Hazard}): an
 * off-by-one or missing or reversed bounds check, a missing null check, a map value, stack or
 * global-data access out of bounds, a helper given memory past the stack, a narrow pointer spill.
 * Independently, some checks take forms that are safe but beyond the Linux verifier (32-bit
 * compares of packet pointers, unmasked variable offsets). Same seed, same program.
 *
 * <p>Registers: r6 holds the context, r7 {@code data}, r8 {@code data_end} (callee-saved, so they
 * survive helper calls), r9 the loop counter; r0-r5 are scratch, written before each use.
 * Stack: {@code [-8, 0)} keys, {@code [-72, -8)} a value buffer, {@code [-136, -72)} eight
 * scratch slots, {@code [-200, -136)} an area for variable offsets.
 *
 * <p>Maps (index: name, type): 0 {@code values} array, 1 {@code table} hash, 2 {@code events}
 * ring buffer, 3 {@code .data}, 4 {@code .rodata}; value sizes vary by seed.
 */
public final class PointerProgramGenerator {
    /** Top-level pieces per program, before nesting. */
    private final int pieces;

    /** A generator of programs of about {@code pieces} top-level pieces (each a few to a dozen instructions). */
    public PointerProgramGenerator(int pieces) {
        if (pieces < 1) {
            throw new IllegalArgumentException("pieces must be at least 1: " + pieces);
        }
        this.pieces = pieces;
    }

    /** About eight pieces: 40 to 120 instructions. */
    public static PointerProgramGenerator defaults() {
        return new PointerProgramGenerator(8);
    }

    static final int ARRAY = 0;
    static final int HASH = 1;
    static final int RINGBUF = 2;
    static final int DATA = 3;
    static final int RODATA = 4;
    private static final int RINGBUF_TYPE = 27;
    private static final long F_RDONLY_PROG = 0x80;

    private static final int KEY = -4;
    private static final int VALUE_BUFFER_END = -8;
    private static final int SCRATCH = -136;
    private static final int VARIABLE_AREA = -200;
    private static final int[] VALUE_SIZES = {8, 16, 24, 32, 48, 64};
    /**
     * One piece in this many is a {@link Shape} (the finer rules' shapes): a minority, but about one
     * program in ten holds each shape, so a 20,000-program run makes thousands of every one.
     */
    static final int SHAPE_ONE_IN = 10;

    /** The program of {@code seed}: {@code pieces} random pieces, half the time one with a planted unsafe flaw. */
    public GeneratedObject generate(long seed) {
        return make(seed, e -> e.program(pieces));
    }

    /** Whether a program made for one shape is meant safe or carries one of the shape's flaws. */
    public enum Intent { SAFE, FLAWED }

    /**
     * A program of one {@code shape} alone (between the usual prologue and exit, with the same maps),
     * safe or with one of its flaws chosen by {@code seed}: the minimal instance of a shape, for tests.
     */
    public GeneratedObject generateShape(Shape shape, Intent intent, long seed) {
        return make(seed, e -> e.single(shape, intent == Intent.FLAWED));
    }

    private GeneratedObject make(long seed, java.util.function.Consumer<Emitter> body) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int arrayValue = VALUE_SIZES[rnd.nextInt(VALUE_SIZES.length)];
        int hashValue = VALUE_SIZES[rnd.nextInt(VALUE_SIZES.length)];
        int arrayEntries = 1 + rnd.nextInt(8);
        int dataSize = 8 << rnd.nextInt(3);
        byte[] data = new byte[dataSize];
        rnd.nextBytes(data);
        byte[] rodata = new byte[8];
        rnd.nextBytes(rodata);
        List<BpfMap> maps = List.of(
                new BpfMap(ARRAY, "values", MapKind.BTF, MapType.ARRAY, 4, arrayValue, arrayEntries, 0, new byte[0]),
                new BpfMap(HASH, "table", MapKind.BTF, MapType.HASH, 4, hashValue, 16, 0, new byte[0]),
                new BpfMap(RINGBUF, "events", MapKind.BTF, RINGBUF_TYPE, 0, 0, 4096, 0, new byte[0]),
                new BpfMap(DATA, ".data", MapKind.GLOBAL_DATA, MapType.ARRAY, 4, dataSize, 1, 0, data),
                new BpfMap(RODATA, ".rodata", MapKind.GLOBAL_DATA, MapType.ARRAY, 4, 8, 1, F_RDONLY_PROG, rodata));
        Emitter e = new Emitter(rnd, maps);
        body.accept(e);
        Program program;
        try {
            program = Program.of(e.code.resolve());
        } catch (InvalidProgramException ex) {
            throw new AssertionError("pointer generator made broken control flow (seed " + seed + ")", ex);
        }
        List<GeneratedObject.Planted> planted = new ArrayList<>();
        for (int i = 0; i < e.plantedHazards.size(); i++) {
            planted.add(new GeneratedObject.Planted(e.plantedHazards.get(i), e.code.pcOf(e.plantedMarks.get(i))));
        }
        BpfProgram p = new BpfProgram("fuzz_" + Long.toHexString(seed), "xdp", program, List.of(), List.of(), List.of());
        return new GeneratedObject(seed, new BpfObject(List.of(), List.of(p), maps, "GPL"), p, planted, e.shapes);
    }

    /** The state of one program being made. */
    private static final class Emitter {
        final SplittableRandom rnd;
        final List<BpfMap> maps;
        final CodeBuilder code = new CodeBuilder();
        final List<Hazard> plantedHazards = new ArrayList<>();
        final List<Integer> plantedMarks = new ArrayList<>();
        final List<Shape> shapes = new ArrayList<>();
        final ShapeEmitter shapeEmitter;
        /** The ordinal of the piece that gets the unsafe flaw, or -1 for a program meant safe. */
        int flawAt;
        int piecesMade;
        boolean inLoop;
        /** Set while a packet access uses an unmasked offset. */
        boolean unboundedOffset;

        Emitter(SplittableRandom rnd, List<BpfMap> maps) {
            this.rnd = rnd;
            this.maps = maps;
            this.shapeEmitter = new ShapeEmitter(code, rnd, this::plant, this::unknownScalarInR3, shapes);
        }

        void program(int pieces) {
            flawAt = rnd.nextBoolean() ? rnd.nextInt(pieces) : -1;
            prologue();
            for (int i = 0; i < pieces; i++) {
                piece(0);
            }
            epilogue();
        }

        /** The program of one shape. */
        void single(Shape shape, boolean flaw) {
            prologue();
            shapeEmitter.emit(shape, flaw);
            epilogue();
        }

        private void prologue() {
            code.mov(R6, R1);
            code.load(Size.W, R7, R6, 0);
            code.load(Size.W, R8, R6, 4);
            code.mov(R0, 0);
        }

        private void epilogue() {
            code.mov(R0, rnd.nextInt(5)); // XDP_ABORTED .. XDP_REDIRECT
            code.emit(new Instruction.Exit());
        }

        /** Whether this piece carries the program's unsafe flaw (decided once per piece). */
        boolean flawHere() {
            return piecesMade++ == flawAt;
        }

        /** Whether a check takes a form safe but beyond Linux (independent of the unsafe flaw). */
        boolean imprecise() {
            return rnd.nextInt(10) == 0;
        }

        void plant(Hazard h) {
            plantedHazards.add(h);
            plantedMarks.add(code.mark());
        }

        void piece(int depth) {
            int kind = rnd.nextInt(depth < 2 ? 13 : 11);
            boolean flaw = flawHere();
            if (rnd.nextInt(SHAPE_ONE_IN) == 0) {
                shapeEmitter.emit(inLoop ? ShapeEmitter.Placement.INSIDE_A_LOOP : ShapeEmitter.Placement.TOP_LEVEL, flaw);
                return;
            }
            switch (kind) {
                case 0, 1 -> packetFixed(flaw);
                case 2 -> packetVariable(flaw);
                case 3 -> {
                    if (flaw || imprecise()) {
                        packetLength(flaw);
                    } else {
                        packetFixed(false);
                    }
                }
                case 4 -> stackScalar(flaw);
                case 5 -> spill(flaw);
                case 6 -> stackVariable(flaw);
                case 7, 8 -> mapLookup(flaw);
                case 9 -> {
                    switch (rnd.nextInt(3)) {
                        case 0 -> mapUpdate(flaw);
                        case 1 -> memoryHelper(flaw);
                        default -> moveThePacket(flaw);
                    }
                }
                case 10 -> globalData(flaw);
                case 11 -> branch(depth, flaw);
                default -> {
                    if (inLoop) {
                        branch(depth, flaw);
                    } else if (rnd.nextInt(3) == 0) {
                        stackWalk(flaw);
                    } else {
                        loop(depth, flaw);
                    }
                }
            }
        }

        Size size() {
            return switch (rnd.nextInt(4)) {
                case 0 -> Size.B;
                case 1 -> Size.H;
                case 2 -> Size.W;
                default -> Size.DW;
            };
        }

        int smallOffset() {
            return rnd.nextInt(4) == 0 ? rnd.nextInt(64) : rnd.nextInt(16);
        }

        /** A scalar in r3 the verifier knows nothing precise about; may call a helper (clobbering r0-r5). */
        void unknownScalarInR3() {
            if (rnd.nextInt(3) == 0) {
                code.call(7); // bpf_get_prandom_u32
                code.mov(R3, R0);
            } else {
                unknownScalarInR3WithoutCall();
            }
        }

        /** The same without a call: r0-r2, r4, r5 keep their values. */
        void unknownScalarInR3WithoutCall() {
            if (rnd.nextBoolean()) {
                code.load(Size.W, R3, R6, 12); // ingress_ifindex
            } else {
                code.mov(R3, R8);
                code.alu(AluOp.SUB, R3, R7);  // the packet length
            }
        }

        /**
         * {@code if (base + end > data_end) skip; access(base + offset)}, in one of three equivalent
         * forms; with a flaw, the check is short by one, missing or reversed.
         */
        void checkedPacketAccess(Reg base, int offset, Size size, boolean flaw, int skip) {
            int end = offset + size.bytes();
            Hazard hazard = flaw ? switch (rnd.nextInt(3)) {
                case 0 -> Hazard.PACKET_CHECK_OFF_BY_ONE;
                case 1 -> Hazard.PACKET_CHECK_MISSING;
                default -> Hazard.PACKET_CHECK_WRONG_DIRECTION;
            } : null;
            // Not with an unbounded offset: base + end could then pass 4 GiB and wrap in 32 bits.
            Width width = !flaw && !unboundedOffset && imprecise() ? Width.W32 : Width.W64;
            if (hazard != Hazard.PACKET_CHECK_MISSING) {
                code.mov(R1, base);
                code.alu(AluOp.ADD, R1, hazard == Hazard.PACKET_CHECK_OFF_BY_ONE ? end - 1 : end);
                boolean reversed = hazard == Hazard.PACKET_CHECK_WRONG_DIRECTION;
                switch (rnd.nextInt(3)) {
                    case 0 -> code.jump(width, reversed ? JmpCond.JLE : JmpCond.JGT, R1, R8, skip);
                    case 1 -> code.jump(width, reversed ? JmpCond.JGE : JmpCond.JLT, R8, R1, skip);
                    default -> {
                        int ok = code.newLabel();
                        code.jump(width, reversed ? JmpCond.JGT : JmpCond.JLE, R1, R8, ok);
                        code.jumpTo(skip);
                        code.bind(ok);
                    }
                }
            }
            if (width == Width.W32) {
                plant(Hazard.PACKET_CHECK_32_BIT);
            }
            if (hazard != null) {
                plant(hazard);
            }
            access(base, offset, size, Access.PACKET);
        }

        enum Access { PACKET, MAP_VALUE, STACK }

        /** A load, a store of an immediate or of a register, at {@code base + offset}. */
        void access(Reg base, int offset, Size size, Access where) {
            switch (rnd.nextInt(where == Access.MAP_VALUE ? 4 : 3)) {
                case 0 -> code.store(size, base, offset, rnd.nextInt(256));
                case 1 -> code.store(size, base, offset, R0);
                case 2 -> code.load(size, R0, base, offset);
                default -> {
                    // Atomic add on a map value needs an aligned word or double word.
                    Size s = size == Size.DW ? Size.DW : Size.W;
                    int aligned = offset & -s.bytes();
                    code.emit(new Instruction.Atomic(s, AtomicOp.ADD, Instruction.Fetch.NO_FETCH, base, R5, aligned));
                }
            }
        }

        void packetFixed(boolean flaw) {
            int skip = code.newLabel();
            checkedPacketAccess(R7, smallOffset(), size(), flaw, skip);
            code.bind(skip);
        }

        /**
         * {@code bpf_xdp_adjust_head(ctx, delta)}, which moves the packet's start: every packet pointer
         * made before it is stale. Safe: data and data_end are loaded again and the access is checked
         * against them. With the flaw, an access through the old {@code data}, checked before the
         * call, at an offset the packet no longer has once its start moved forward.
         */
        void moveThePacket(boolean flaw) {
            int skip = code.newLabel();
            int delta = flaw ? 1 + rnd.nextInt(16) : rnd.nextInt(33) - 16;
            int offset = flaw ? rnd.nextInt(delta) : 0;
            if (flaw) {
                code.mov(R1, R7);
                code.alu(AluOp.ADD, R1, offset + 1);
                code.jump(Width.W64, JmpCond.JGT, R1, R8, skip);
            }
            code.mov(R1, R6);
            code.mov(R2, delta);
            code.call(44); // bpf_xdp_adjust_head; on failure (too short, no headroom) nothing moved
            if (flaw) {
                plant(Hazard.PACKET_POINTER_STALE_AFTER_MOVE);
                access(R7, offset, Size.B, Access.PACKET);
            }
            code.bind(skip);
            code.load(Size.W, R7, R6, 0);
            code.load(Size.W, R8, R6, 4);
            if (!flaw) {
                packetFixed(false);
            }
        }

        void packetVariable(boolean flaw) {
            int skip = code.newLabel();
            Size size = size();
            unknownScalarInR3();
            boolean unbounded = !flaw && imprecise();
            if (unbounded) {
                plant(Hazard.PACKET_OFFSET_UNBOUNDED);
            } else {
                code.alu(AluOp.AND, R3, (1 << (2 + rnd.nextInt(7))) - 1);
            }
            code.mov(R2, R7);
            code.alu(AluOp.ADD, R2, R3);
            unboundedOffset = unbounded;
            checkedPacketAccess(R2, 0, size, flaw, skip);
            unboundedOffset = false;
            code.bind(skip);
        }

        /**
         * {@code len = data_end - data; if (len < end) skip; access(data + offset)}: safe, but Linux
         * does not relate the length back to the pointers (verifier.md, pattern 6).
         */
        void packetLength(boolean flaw) {
            int skip = code.newLabel();
            Size size = size();
            int offset = smallOffset();
            int end = offset + size.bytes();
            code.mov(R1, R8);
            code.alu(AluOp.SUB, R1, R7);
            JmpCond cond = rnd.nextBoolean() ? JmpCond.JLT : JmpCond.JSLT;
            code.jump(cond, R1, new Imm(flaw ? end - 1 : end), skip);
            plant(flaw ? Hazard.PACKET_CHECK_OFF_BY_ONE : Hazard.PACKET_LENGTH_AS_SCALAR);
            access(R7, offset, size, Access.PACKET);
            code.bind(skip);
        }

        void stackScalar(boolean flaw) {
            Size size = size();
            int slot = SCRATCH + 8 * rnd.nextInt(8);
            int offset = slot + (rnd.nextInt(8) & -size.bytes());
            if (flaw) {
                offset = rnd.nextBoolean() ? 8 * rnd.nextInt(4) : -512 - 8 * (1 + rnd.nextInt(4));
            }
            boolean fromRegister = rnd.nextBoolean();
            if (fromRegister) {
                code.mov(R3, rnd.nextInt());
            }
            if (flaw) {
                plant(Hazard.STACK_OUT_OF_FRAME);
            }
            if (fromRegister) {
                code.store(size, R10, offset, R3);
            } else {
                code.store(size, R10, offset, rnd.nextInt());
            }
            code.load(size, R0, R10, offset);
        }

        /** A pointer spilled to the stack and filled back, then used. */
        void spill(boolean flaw) {
            int slot = SCRATCH + 8 * rnd.nextInt(8);
            if (flaw) {
                // A stack address stored with 4 bytes loses its upper half (stacks live above 4 GiB).
                int other = SCRATCH + 8 * rnd.nextInt(8);
                code.mov(R1, R10);
                code.alu(AluOp.ADD, R1, other);
                code.store(Size.W, R10, slot, R1);
                code.load(Size.W, R2, R10, slot);
                plant(Hazard.NARROW_POINTER_SPILL);
                code.load(Size.DW, R0, R2, 0);
                return;
            }
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    code.store(Size.DW, R10, slot, R7);
                    if (rnd.nextBoolean()) {
                        code.call(5); // clobbers r1-r5; the spilled pointer survives
                    }
                    code.load(Size.DW, R2, R10, slot);
                    int skip = code.newLabel();
                    checkedPacketAccess(R2, smallOffset(), size(), false, skip);
                    code.bind(skip);
                }
                case 1 -> {
                    code.store(Size.DW, R10, slot, R6);
                    code.load(Size.DW, R2, R10, slot);
                    // data .. rx_queue_index (egress_ifindex needs a devmap attach type in Linux).
                    code.load(Size.W, R0, R2, 4 * rnd.nextInt(5));
                }
                default -> {
                    // A scalar spilled narrow and filled back, then used as a bounded offset.
                    unknownScalarInR3();
                    code.alu(AluOp.AND, R3, 31);
                    code.store(Size.W, R10, slot, R3);
                    code.load(Size.W, R3, R10, slot);
                    code.mov(R2, R7);
                    code.alu(AluOp.ADD, R2, R3);
                    int skip = code.newLabel();
                    checkedPacketAccess(R2, 0, Size.B, false, skip);
                    code.bind(skip);
                }
            }
        }

        /** {@code r2 = r10 - 200 + 8 * (x & 7)}: a variable offset into the stack. */
        void stackVariable(boolean flaw) {
            unknownScalarInR3();
            code.alu(AluOp.AND, R3, flaw ? 31 : 7);
            code.alu(AluOp.LSH, R3, 3);
            code.mov(R2, R10);
            code.alu(AluOp.ADD, R2, VARIABLE_AREA);
            code.alu(AluOp.ADD, R2, R3);
            if (flaw) {
                plant(Hazard.STACK_OUT_OF_FRAME);
            }
            code.store(Size.DW, R2, 0, rnd.nextInt());
            code.load(Size.DW, R0, R2, 0);
        }

        int valueSize(int map) {
            return (int) maps.get(map).valueSize();
        }

        /** {@code v = lookup(map, &key); if (v) access(v + offset)}. */
        void mapLookup(boolean flaw) {
            Hazard hazard = flaw ? switch (rnd.nextInt(4)) {
                case 0 -> Hazard.MAP_NULL_CHECK_MISSING;
                case 1 -> Hazard.HELPER_MEMORY_OUT_OF_STACK;
                default -> Hazard.MAP_VALUE_OUT_OF_BOUNDS;
            } : null;
            // Linux knows that an array lookup with a constant key in range is never null, and so
            // does the runtime: a missing null check is a flaw only on a hash map.
            int map = hazard == Hazard.MAP_NULL_CHECK_MISSING || rnd.nextBoolean() ? HASH : ARRAY;
            int entries = (int) maps.get(map).maxEntries();
            int key = map == ARRAY ? rnd.nextInt(entries + 2) : rnd.nextInt(4);
            if (rnd.nextInt(4) == 0) {
                unknownScalarInR3();
                code.alu(AluOp.AND, R3, 7);
                code.store(Size.W, R10, KEY, R3);
            } else {
                code.store(Size.W, R10, KEY, key);
            }
            code.mov(R2, R10);
            // With the flaw, the 4-byte key runs 2 bytes past the stack's top.
            code.alu(AluOp.ADD, R2, hazard == Hazard.HELPER_MEMORY_OUT_OF_STACK ? -2 : KEY);
            code.loadMap(R1, map);
            if (hazard == Hazard.HELPER_MEMORY_OUT_OF_STACK) {
                plant(hazard);
            }
            code.call(1);
            int skip = code.newLabel();
            if (hazard != Hazard.MAP_NULL_CHECK_MISSING) {
                code.jump(JmpCond.JEQ, R0, new Imm(0), skip);
            }
            code.mov(R5, 1); // the addend of an atomic access
            int value = valueSize(map);
            Size size = size();
            if (rnd.nextInt(3) == 0) {
                // A variable offset kept inside the value (or, with the flaw, not quite): masked, or
                // bounded through a flag set on one branch, or bounded through a copy plus a constant.
                unknownScalarInR3WithoutCall();
                int room = value - size.bytes();
                boolean outside = hazard == Hazard.MAP_VALUE_OUT_OF_BOUNDS;
                switch (rnd.nextInt(3)) {
                    case 0 -> {
                        int mask = Integer.highestOneBit(room + 1) - 1;
                        code.alu(AluOp.AND, R3, outside ? mask * 2 + 1 : mask);
                    }
                    case 1 -> {
                        // ok = x <= room; ...; if (ok) use x (verifier.md, pattern 8).
                        if (!outside) {
                            plant(Hazard.CORRELATED_BRANCH_BOUND);
                        }
                        int set = code.newLabel();
                        code.mov(R4, 0);
                        code.jump(JmpCond.JGT, R3, new Imm(outside ? room + 1 : room), set);
                        code.mov(R4, 1);
                        code.bind(set);
                        code.jump(JmpCond.JEQ, R4, new Imm(0), skip);
                    }
                    default -> {
                        // y = x + k; if (y > room + k) skip; use x (verifier.md, pattern 1).
                        if (!outside) {
                            plant(Hazard.COPY_BOUND_WITH_OFFSET);
                        }
                        int k = 1 + rnd.nextInt(16);
                        code.mov(R4, R3);
                        code.alu(AluOp.ADD, R4, k);
                        code.jump(JmpCond.JGT, R4, new Imm(room + k + (outside ? 1 : 0)), skip);
                    }
                }
                code.alu(AluOp.ADD, R0, R3);
                if (hazard == Hazard.MAP_VALUE_OUT_OF_BOUNDS || hazard == Hazard.MAP_NULL_CHECK_MISSING) {
                    plant(hazard);
                }
                switch (rnd.nextInt(2)) {
                    case 0 -> code.load(size, R4, R0, 0);
                    default -> code.store(size, R0, 0, rnd.nextInt(256));
                }
            } else {
                int offset = rnd.nextInt(value - size.bytes() + 1) & -size.bytes();
                if (hazard == Hazard.MAP_VALUE_OUT_OF_BOUNDS) {
                    offset = value - size.bytes() + 1 + rnd.nextInt(size.bytes());
                    if (rnd.nextInt(4) == 0) {
                        offset = -size.bytes();
                    }
                }
                if (hazard == Hazard.MAP_VALUE_OUT_OF_BOUNDS || hazard == Hazard.MAP_NULL_CHECK_MISSING) {
                    plant(hazard);
                }
                if (hazard == Hazard.MAP_VALUE_OUT_OF_BOUNDS) {
                    code.load(size, R4, R0, offset); // an atomic could fault as misaligned first
                } else {
                    access(R0, offset, size, Access.MAP_VALUE);
                }
            }
            code.bind(skip);
        }

        /** {@code update(map, &key, &value, flags)} with the value in the stack buffer. */
        void mapUpdate(boolean flaw) {
            int map = rnd.nextBoolean() ? ARRAY : HASH;
            int value = valueSize(map);
            code.store(Size.W, R10, KEY, rnd.nextInt(map == ARRAY ? (int) maps.get(map).maxEntries() + 1 : 4));
            for (int off = VALUE_BUFFER_END - value; off < VALUE_BUFFER_END; off += 8) {
                code.store(Size.DW, R10, off, rnd.nextInt());
            }
            code.loadMap(R1, map);
            code.mov(R2, R10);
            code.alu(AluOp.ADD, R2, KEY);
            code.mov(R3, R10);
            // With the flaw, the value runs 8 bytes past the stack's top.
            code.alu(AluOp.ADD, R3, flaw ? -value + 8 : VALUE_BUFFER_END - value);
            code.mov(R4, rnd.nextInt(3)); // BPF_ANY, BPF_NOEXIST, BPF_EXIST
            if (flaw) {
                plant(Hazard.HELPER_MEMORY_OUT_OF_STACK);
            }
            code.call(2);
            if (rnd.nextInt(3) == 0) {
                code.loadMap(R1, map);
                code.mov(R2, R10);
                code.alu(AluOp.ADD, R2, KEY);
                code.call(3);
            }
        }

        /** bpf_ringbuf_output or bpf_trace_printk with stack memory and its size. */
        void memoryHelper(boolean flaw) {
            int start = -8 * (1 + rnd.nextInt(8));
            int size = -start;
            if (rnd.nextBoolean()) {
                for (int off = start; off < 0; off += 8) {
                    code.store(Size.DW, R10, off, rnd.nextInt());
                }
                code.loadMap(R1, RINGBUF);
                code.mov(R2, R10);
                code.alu(AluOp.ADD, R2, start);
                code.mov(R3, flaw ? size + 8 : size);
                code.mov(R4, 0);
                if (flaw) {
                    plant(Hazard.HELPER_MEMORY_OUT_OF_STACK);
                }
                code.call(130);
            } else {
                // "x=%d\n\0\0\0" at r10 - 8.
                code.emit(Instruction.LoadImm64.of(R1, 0x0000_0a64_253d_78L));
                code.store(Size.DW, R10, -8, R1);
                code.mov(R1, R10);
                code.alu(AluOp.ADD, R1, -8);
                code.mov(R2, flaw ? 16 : 6);
                code.mov(R3, R7);
                code.alu(AluOp.SUB, R3, R8);
                if (flaw) {
                    plant(Hazard.HELPER_MEMORY_OUT_OF_STACK);
                }
                code.call(6);
            }
        }

        void globalData(boolean flaw) {
            Size size = size();
            if (rnd.nextInt(3) == 0) {
                code.loadMapValue(R1, RODATA, 0);
                if (flaw) {
                    plant(Hazard.RODATA_WRITE);
                    code.store(size, R1, 0, 1);
                } else {
                    code.load(size, R0, R1, 8 - size.bytes());
                }
                return;
            }
            int dataSize = valueSize(DATA);
            int offset = rnd.nextInt(dataSize - size.bytes() + 1) & -size.bytes();
            if (flaw) {
                offset = dataSize - size.bytes() + 1 + rnd.nextInt(size.bytes());
            }
            // The offset goes either into the 64-bit load or into the access.
            int inLoad = rnd.nextBoolean() ? offset : 0;
            code.loadMapValue(R1, DATA, inLoad);
            if (flaw) {
                plant(Hazard.GLOBAL_DATA_OUT_OF_BOUNDS);
            }
            if (rnd.nextBoolean()) {
                code.load(size, R0, R1, offset - inLoad);
            } else {
                code.store(size, R1, offset - inLoad, rnd.nextInt());
            }
        }

        void branch(int depth, boolean flaw) {
            piecesMade--; // the flaw goes to a nested piece instead
            unknownScalarInR3();
            code.mov(R4, R3);
            JmpCond cond = JmpCond.values()[rnd.nextInt(JmpCond.values().length)];
            int otherwise = code.newLabel();
            code.jump(rnd.nextInt(4) == 0 ? Width.W32 : Width.W64, cond, R4, new Imm(rnd.nextInt(64)), otherwise);
            int n = 1 + rnd.nextInt(2);
            for (int i = 0; i < n; i++) {
                piece(depth + 1);
            }
            if (rnd.nextBoolean()) {
                int end = code.newLabel();
                code.jumpTo(end);
                code.bind(otherwise);
                piece(depth + 1);
                code.bind(end);
            } else {
                code.bind(otherwise);
            }
        }

        /** {@code for (r9 = 0; r9 < n; r9++) { pieces; data[r9] }}. */
        /**
         * A loop that stores through a stack pointer advanced by a constant step (1, 2 or 4 bytes,
         * up toward r10 or down toward r10 - 512) beside a counter compared with the trip count: the
         * shape clang makes of {@code buf[step * i]}. More than 64 trips, so the verifier cannot
         * unroll it and must carry the counter's bound to the pointer. The walk ends exactly at the
         * frame's edge; the flaw is a counter bound one higher, whose last store falls outside.
         */
        void stackWalk(boolean flaw) {
            int step = 1 << rnd.nextInt(3);
            int trips = 65 + rnd.nextInt(512 / step - 64);
            boolean up = rnd.nextBoolean();
            Size size = switch (rnd.nextInt(Integer.numberOfTrailingZeros(step) + 1)) {
                case 0 -> Size.B;
                case 1 -> Size.H;
                default -> Size.W;
            };
            code.mov(R2, R10);
            // Up: stores at -trips*step .. -step; down: at -512 + (trips-1)*step .. -512.
            code.alu(AluOp.ADD, R2, up ? -trips * step : -512 + (trips - 1) * step);
            code.mov(R3, 0);
            int head = code.newLabel();
            code.bind(head);
            if (flaw) {
                plant(Hazard.WALK_COUNTER_OFF_BY_ONE);
            }
            code.store(size, R2, 0, rnd.nextInt());
            code.alu(AluOp.ADD, R2, up ? step : -step);
            Width width = rnd.nextBoolean() ? Width.W64 : Width.W32;
            code.emit(new Instruction.Alu(width, AluOp.ADD, R3, new Imm(1)));
            code.jump(width, JmpCond.JLT, R3, new Imm(flaw ? trips + 1 : trips), head);
        }

        void loop(int depth, boolean flaw) {
            piecesMade--;
            int trips = 1 + rnd.nextInt(8);
            code.mov(R9, 0);
            int head = code.newLabel();
            int next = code.newLabel();
            code.bind(head);
            inLoop = true;
            if (rnd.nextBoolean()) {
                code.mov(R2, R7);
                code.alu(AluOp.ADD, R2, R9);
                checkedPacketAccess(R2, 0, size(), flawHere(), next);
            }
            int n = 1 + rnd.nextInt(2);
            for (int i = 0; i < n; i++) {
                piece(depth + 1);
            }
            inLoop = false;
            code.bind(next);
            code.alu(AluOp.ADD, R9, 1);
            code.jump(JmpCond.JLT, R9, new Imm(trips), head);
        }
    }
}
