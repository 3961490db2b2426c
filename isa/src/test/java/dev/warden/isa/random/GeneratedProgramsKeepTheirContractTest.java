package dev.warden.isa.random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.warden.isa.AluOp;
import dev.warden.isa.AtomicOp;
import dev.warden.isa.Decoder;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Reg;
import dev.warden.isa.Width;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The properties harnesses rely on (see {@link GeneratedProgram}), checked on the instructions themselves. */
class GeneratedProgramsKeepTheirContractTest {
    private static final RandomProgramGenerator GEN =
            new RandomProgramGenerator(GeneratorOptions.defaults().with(Feature.LOCAL_CALLS));

    @Test
    void everyProgramDecodesBackToItself() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            Program p = GEN.generate(seed).program();
            try {
                assertEquals(p, Decoder.decode(p.encode()));
            } catch (Exception e) {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
        });
    }

    @Test
    void theSameSeedGivesTheSameProgram() {
        qt().forAll(longs().all()).checkAssert(seed ->
                assertEquals(GEN.generate(seed).program(), GEN.generate(seed).program()));
        assertNotEquals(GEN.generate(1).program(), GEN.generate(2).program());
    }

    @Test
    void exitsEndTheMainAndEachLocalFunctionAndNothingElse() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            GeneratedProgram g = GEN.generate(seed);
            Program p = g.program();
            assertInstanceOf(Instruction.Exit.class, p.get(g.mainExit()));
            assertInstanceOf(Instruction.Exit.class, p.get(p.size() - 1));
            Set<Integer> starts = functionStarts(g);
            for (int i = 0; i < p.size() - 1; i++) {
                if (p.get(i) instanceof Instruction.Exit) {
                    assertTrue(i == g.mainExit() || starts.contains(p.pcOf(i + 1)), "stray exit at " + i + ", seed " + seed);
                }
                if (p.get(i) instanceof Instruction.Call c) {
                    assertEquals(Instruction.CallKind.LOCAL, c.kind());
                }
                assertFalse(p.get(i) instanceof Instruction.CallX);
            }
        });
    }

    /** Calls go to the start of a later function (no recursion), and r1-r5 are written right after. */
    @Test
    void localCallsGoForwardAndRefreshTheScratchRegisters() {
        int[] calls = {0};
        qt().forAll(longs().all()).checkAssert(seed -> {
            GeneratedProgram g = GEN.generate(seed);
            Program p = g.program();
            Set<Integer> starts = functionStarts(g);
            for (int i = 0; i < p.size(); i++) {
                if (p.get(i) instanceof Instruction.Call c) {
                    calls[0]++;
                    int target = Program.targetOf(p.pcOf(i), c);
                    assertTrue(starts.contains(target), "call into the middle of a function, seed " + seed);
                    assertTrue(target > p.pcOf(i), "backward call, seed " + seed);
                    for (int r = 1; r <= 5; r++) {
                        assertEquals(new Instruction.Alu(Width.W64, AluOp.MOV, Reg.of(r), ((Instruction.Alu) p.get(i + r)).src()),
                                p.get(i + r), "r" + r + " not refreshed after the call, seed " + seed);
                    }
                }
            }
        });
        assertTrue(calls[0] > 0, "no local calls generated");
    }

    /** The pcs where local functions start: right after the main exit and after each later exit. */
    private static Set<Integer> functionStarts(GeneratedProgram g) {
        Set<Integer> starts = new HashSet<>();
        Program p = g.program();
        for (int i = g.mainExit(); i < p.size() - 1; i++) {
            if (p.get(i) instanceof Instruction.Exit) {
                starts.add(p.pcOf(i + 1));
            }
        }
        return starts;
    }

    /**
     * Walks the instructions in order, following the straight-line pointer sequences
     * ({@code rP = r10; rP += k; access}): every access is aligned, inside the stack area, and
     * no register still holds an address at the exit.
     */
    @Test
    void stackAccessesAreAlignedAndInsideTheArea() {
        GeneratorOptions o = GeneratorOptions.defaults();
        qt().forAll(longs().all()).checkAssert(seed -> {
            Integer[] pointer = new Integer[11];
            pointer[10] = 0;
            for (Instruction insn : GEN.generate(seed).program().instructions()) {
                if (insn instanceof Instruction.Exit) {
                    // Every function ends with no address left in a register; the next one starts afresh.
                    for (int r = 0; r < 10; r++) {
                        assertTrue(pointer[r] == null, "r" + r + " holds an address at an exit, seed " + seed);
                    }
                    continue;
                }
                switch (insn) {
                    case Instruction.Load l -> checkAccess(o, pointer, l.src(), l.offset(), l.size().bytes());
                    case Instruction.StoreImm s -> checkAccess(o, pointer, s.dst(), s.offset(), s.size().bytes());
                    case Instruction.Atomic at -> checkAccess(o, pointer, at.dst(), at.offset(), at.size().bytes());
                    case Instruction.StoreReg s -> {
                        checkAccess(o, pointer, s.dst(), s.offset(), s.size().bytes());
                        assertTrue(pointer[s.src().number()] == null, "an address is stored, seed " + seed);
                    }
                    default -> { }
                }
                // What the instruction leaves in its destination register.
                switch (insn) {
                    case Instruction.Alu(Width w, AluOp op, Reg dst, Reg src) when op == AluOp.MOV && src == Reg.R10 ->
                            pointer[dst.number()] = 0;
                    case Instruction.Alu(Width w, AluOp op, Reg dst, Imm(int v))
                            when op == AluOp.ADD && w == Width.W64 && pointer[dst.number()] != null ->
                            pointer[dst.number()] += v;
                    default -> {
                        if (writes(insn) != null) {
                            pointer[writes(insn).number()] = null;
                        }
                    }
                }
            }
        });
    }

    private static void checkAccess(GeneratorOptions o, Integer[] pointer, Reg base, int offset, int bytes) {
        Integer at = pointer[base.number()];
        assertTrue(at != null, base + " is not a stack address");
        int address = at + offset;
        assertTrue(address >= -o.stackBytes() && address + bytes <= 0, "stack offset " + address);
        assertEquals(0, Math.floorMod(address, bytes), "misaligned stack offset " + address);
    }

    /** Walks the straight-line prologue: it must write r0-r9 and then every stack slot. */
    @Test
    void thePrologueWritesEveryRegisterAndStackSlot() {
        GeneratorOptions o = GeneratorOptions.defaults();
        qt().forAll(longs().all()).checkAssert(seed -> {
            Program p = GEN.generate(seed).program();
            Set<Reg> written = new HashSet<>();
            Set<Integer> slots = new HashSet<>();
            for (int i = 0; i < ExitState.REGISTERS + o.stackSlots(); i++) {
                switch (p.get(i)) {
                    case Instruction.LoadImm64 l -> written.add(l.dst());
                    case Instruction.Alu a -> {
                        assertEquals(AluOp.MOV, a.op());
                        assertInstanceOf(Imm.class, a.src());
                        written.add(a.dst());
                    }
                    case Instruction.StoreImm s -> slots.add(s.offset());
                    case Instruction.StoreReg s -> {
                        assertTrue(written.contains(s.src()));
                        slots.add(s.offset());
                    }
                    default -> throw new AssertionError("unexpected prologue instruction " + p.get(i));
                }
            }
            assertEquals(ExitState.REGISTERS, written.size());
            assertEquals(o.stackSlots(), slots.size());
        });
    }

    @Test
    void noImmediateDivisorIsZeroAndNoImmediateShiftIsOutOfRange() {
        qt().forAll(longs().all()).checkAssert(seed -> {
            for (Instruction insn : GEN.generate(seed).program().instructions()) {
                if (insn instanceof Instruction.Alu(Width w, AluOp op, Reg dst, Imm(int v))) {
                    switch (op) {
                        case DIV, SDIV, MOD, SMOD -> assertNotEquals(0, v, "seed " + seed);
                        case LSH, RSH, ARSH -> assertTrue(v >= 0 && v < w.bits(), "seed " + seed);
                        default -> { }
                    }
                }
                assertFalse(writes(insn) == Reg.R10, "r10 written, seed " + seed);
            }
        });
    }

    /** The register the instruction writes, or null. */
    private static Reg writes(Instruction insn) {
        return switch (insn) {
            case Instruction.Alu a -> a.dst();
            case Instruction.Endian e -> e.dst();
            case Instruction.LoadImm64 l -> l.dst();
            case Instruction.Load l -> l.dst();
            case Instruction.Atomic a when a.op() == AtomicOp.CMPXCHG -> Reg.R0;
            case Instruction.Atomic a when a.fetch() == Instruction.Fetch.FETCH -> a.src();
            default -> null;
        };
    }
}
