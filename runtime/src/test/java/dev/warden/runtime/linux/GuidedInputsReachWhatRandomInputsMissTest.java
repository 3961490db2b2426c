package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.BranchEdges;
import dev.warden.runtime.Interpreter;
import dev.warden.vm.ExecResult;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The coverage-guided search ({@link GuidedInputs}) on a parser that only a run of exact bytes gets
 * through (a magic number, then a 32-bit tag, then a port): random inputs stop at the first check,
 * the guided ones reach the innermost edge within a fixed budget, through the compared operands
 * written into the input and the corpus of inputs that each went one check further. And the search is deterministic.
 */
class GuidedInputsReachWhatRandomInputsMissTest {
    private static final String PARSER = """
            r2 = *(u32 *)(r1 + 0)
            r3 = *(u32 *)(r1 + 4)
            r0 = 1
            r4 = r2
            r4 += 12
            if r4 > r3 goto out
            r5 = *(u8 *)(r2 + 0)
            if r5 != 0xde goto out
            r5 = *(u8 *)(r2 + 1)
            if r5 != 0xad goto out
            r5 = *(u32 *)(r2 + 4)
            if r5 != 0x12345678 goto out
            r5 = *(u16 *)(r2 + 8)
            if r5 != 0x3500 goto out
            r0 = 2
            out:
            exit
            """;
    private static final int RUNS = 3000;

    private record Search(int covered, int conditionalEdges, List<String> inputs, boolean reachedTheEnd) {}

    private static Search search(InputSearch how, long seed) throws Exception {
        BpfProgram p = new BpfProgram("parser", "xdp", Assembler.assemble(PARSER), List.of(), List.of(), List.of());
        BpfObject object = new BpfObject(List.of(), List.of(p), List.of(), "GPL");
        List<String> seen = new ArrayList<>();
        boolean end = false;
        try (LinuxEnvironment env = LinuxEnvironment.load(object, p, LinuxProgramType.XDP, 10_000,
                new Interpreter(Interpreter.Coverage.BRANCH_EDGES))) {
            BranchEdges edges = env.branchEdges().orElseThrow();
            RandomInputs random = new RandomInputs(seed, object.maps());
            GuidedInputs guided = new GuidedInputs(seed, object.maps(), LinuxProgramType.XDP, p.program());
            for (int i = 0; i < RUNS; i++) {
                LinuxInput input = how == InputSearch.RANDOM ? random.nextFor(LinuxProgramType.XDP) : guided.next();
                seen.add(java.util.HexFormat.of().formatHex(input.packet()));
                ExecResult r = env.run(input, MapsBefore.FROM_INPUT);
                end |= r instanceof ExecResult.Returned ret && ret.r0() == 2;
                BitSet run = edges.takeRun();
                guided.learn(input, run, edges.takeComparisons(), Map.of());
            }
            return new Search(edges.covered(), edges.conditionalEdges(), seen, end);
        }
    }

    @Test
    void guidedInputsGetThroughEveryCheckAndRandomOnesDoNot() throws Exception {
        Search random = search(InputSearch.RANDOM, 11);
        Search guided = search(InputSearch.GUIDED, 11);
        assertEquals(10, guided.conditionalEdges());
        assertTrue(guided.reachedTheEnd(), "the guided search did not get through the parser: " + guided.covered() + " edges");
        assertEquals(10, guided.covered());
        assertTrue(!random.reachedTheEnd() && random.covered() < guided.covered(), "random inputs covered " + random.covered());
    }

    @Test
    void theSameSeedGivesTheSameInputs() throws Exception {
        assertEquals(search(InputSearch.GUIDED, 5).inputs(), search(InputSearch.GUIDED, 5).inputs());
    }
}
