package dev.warden.isa.random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.AluOp;
import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.Width;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GeneratorHonoursItsOptionsTest {

    @Test
    void withoutCpuV4NoV4InstructionAppears() {
        RandomProgramGenerator gen = new RandomProgramGenerator(GeneratorOptions.defaults().withoutCpuV4());
        for (long seed = 0; seed < 500; seed++) {
            for (Instruction insn : gen.generate(seed).program().instructions()) {
                assertFalse(isV4(insn), "v4 instruction " + insn + " with seed " + seed);
            }
        }
    }

    @Test
    void withEveryFeatureEveryFamilyAppearsSomewhere() {
        RandomProgramGenerator gen = new RandomProgramGenerator(GeneratorOptions.defaults().with(Feature.LOCAL_CALLS));
        Set<String> seen = new java.util.TreeSet<>();
        for (long seed = 0; seed < 300; seed++) {
            Program p = gen.generate(seed).program();
            for (int i = 0; i < p.size(); i++) {
                Instruction insn = p.get(i);
                seen.add(family(insn));
                if (insn instanceof Instruction.Jump && Program.targetOf(p.pcOf(i), insn) <= p.pcOf(i)) {
                    seen.add("back edge");
                }
            }
        }
        assertTrue(seen.containsAll(Set.of("alu32", "alu64", "sdiv", "movsx", "bswap", "le/be", "lddw", "load",
                "ldsx", "store", "atomic", "atomic fetch", "call", "jmp32", "jmp", "goto", "gotol", "back edge")), seen.toString());
    }

    @Test
    void defaultsMakeNoCalls() {
        RandomProgramGenerator gen = new RandomProgramGenerator(GeneratorOptions.defaults());
        for (long seed = 0; seed < 300; seed++) {
            for (Instruction insn : gen.generate(seed).program().instructions()) {
                assertFalse(insn instanceof Instruction.Call, "call with seed " + seed);
            }
        }
    }

    @Test
    void withoutAtomicFetchNoAtomicFetches() {
        RandomProgramGenerator gen = new RandomProgramGenerator(GeneratorOptions.defaults().without(Feature.ATOMIC_FETCH));
        int atomics = 0;
        for (long seed = 0; seed < 300; seed++) {
            for (Instruction insn : gen.generate(seed).program().instructions()) {
                if (insn instanceof Instruction.Atomic a) {
                    atomics++;
                    assertTrue(a.fetch() == Instruction.Fetch.NO_FETCH, insn.toString());
                }
            }
        }
        assertTrue(atomics > 0, "no atomics at all");
    }

    @Test
    void straightLineOptionsGiveNoJumps() {
        GeneratorOptions o = GeneratorOptions.defaults().without(Feature.BRANCHES, Feature.LOOPS);
        RandomProgramGenerator gen = new RandomProgramGenerator(o);
        for (long seed = 0; seed < 200; seed++) {
            for (Instruction insn : gen.generate(seed).program().instructions()) {
                assertFalse(insn instanceof Instruction.Jump || insn instanceof Instruction.Goto, insn.toString());
            }
        }
    }

    @Test
    void emptyFeatureSetStillMakesAValidProgram() {
        GeneratorOptions o = new GeneratorOptions(EnumSet.noneOf(Feature.class), 5, 1, 1, 0);
        Program p = new RandomProgramGenerator(o).generate(3).program();
        assertTrue(p.get(p.size() - 1) instanceof Instruction.Exit);
    }

    @Test
    void badOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new GeneratorOptions(Set.of(), 10, GeneratorOptions.MAX_STACK_SLOTS + 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new GeneratorOptions(Set.of(), 0, 1, 1, 1));
    }

    private static boolean isV4(Instruction insn) {
        return switch (insn) {
            case Instruction.Alu a -> a.op() == AluOp.SDIV || a.op() == AluOp.SMOD || a.op().isSignExtendingMove();
            case Instruction.Endian e -> e.order() == Instruction.ByteOrder.SWAP;
            case Instruction.Load l -> l.extension() == Instruction.Extension.SIGN;
            case Instruction.Goto g -> g.form() == Instruction.GotoForm.LONG;
            default -> false;
        };
    }

    private static String family(Instruction insn) {
        return switch (insn) {
            case Instruction.Alu a when a.op() == AluOp.SDIV || a.op() == AluOp.SMOD -> "sdiv";
            case Instruction.Alu a when a.op().isSignExtendingMove() -> "movsx";
            case Instruction.Alu a -> a.width() == Width.W32 ? "alu32" : "alu64";
            case Instruction.Endian e -> e.order() == Instruction.ByteOrder.SWAP ? "bswap" : "le/be";
            case Instruction.LoadImm64 l -> "lddw";
            case Instruction.Load l -> l.extension() == Instruction.Extension.SIGN ? "ldsx" : "load";
            case Instruction.StoreImm s -> "store";
            case Instruction.StoreReg s -> "store";
            case Instruction.Call c -> "call";
            case Instruction.Atomic a -> a.fetch() == Instruction.Fetch.FETCH ? "atomic fetch" : "atomic";
            case Instruction.Jump j -> j.width() == Width.W32 ? "jmp32" : "jmp";
            case Instruction.Goto g -> g.form() == Instruction.GotoForm.LONG ? "gotol" : "goto";
            default -> insn.getClass().getSimpleName();
        };
    }
}
