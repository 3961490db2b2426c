package dev.warden.isa.cfg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.AluOp;
import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.JmpCond;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.Reg;
import dev.warden.isa.Width;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Blocks, functions, calls, back edges and weak topological orders of hand-made programs. */
class ControlFlowGraphTest {

    static Instruction alu() {
        return new Instruction.Alu(Width.W64, AluOp.ADD, Reg.R0, new Imm(1));
    }

    static Instruction jeq(int offset) {
        return new Instruction.Jump(Width.W64, JmpCond.JEQ, Reg.R0, new Imm(0), offset);
    }

    static Instruction jump(int offset) {
        return Instruction.Goto.of(offset);
    }

    static Instruction call(int offset) {
        return new Instruction.Call(Instruction.CallKind.LOCAL, offset);
    }

    static Instruction exit() {
        return new Instruction.Exit();
    }

    static Program program(Instruction... insns) {
        try {
            return Program.of(List.of(insns));
        } catch (InvalidProgramException e) {
            throw new AssertionError(e);
        }
    }

    /** Blocks as "first-last" strings, in order. */
    static List<String> spans(ControlFlowGraph g) {
        return g.blocks().stream().map(b -> b.first() + "-" + b.last()).toList();
    }

    @Test
    void aDiamondHasFourBlocksWithTheirEdgesBothWays() {
        ControlFlowGraph g = ControlFlowGraph.of(program(
                alu(),        // 0
                jeq(2),       // 1 -> 4
                alu(),        // 2
                jump(1),      // 3 -> 5
                alu(),        // 4
                exit()));     // 5
        assertEquals(List.of("0-1", "2-3", "4-4", "5-5"), spans(g));
        assertEquals(List.of(2, 1), g.block(0).successors(), "target first, then fall-through");
        assertEquals(Terminator.BRANCH, g.block(0).terminator());
        assertEquals(Terminator.GOTO, g.block(1).terminator());
        assertEquals(Terminator.FALL_THROUGH, g.block(2).terminator());
        assertEquals(Terminator.EXIT, g.block(3).terminator());
        assertEquals(List.of(1, 2), g.block(3).predecessors());
        assertEquals(List.of(0), g.block(2).predecessors());
        assertEquals(1, g.functions().size());
        assertTrue(g.functions().get(0).backEdges().isEmpty());
        assertEquals("0 1 2 3", g.functions().get(0).weakTopologicalOrder().toString());
        assertEquals(2, g.block(1).length());
    }

    @Test
    void nestedLoopsHaveOneBackEdgeEachAndNestedComponents() {
        ControlFlowGraph g = ControlFlowGraph.of(program(
                alu(),        // 0        block 0
                alu(),        // 1 outer  block 1
                alu(),        // 2 inner  block 2
                jeq(-2),      // 3 -> 2
                jeq(-4),      // 4 -> 1   block 3
                exit()));     // 5        block 4
        assertEquals(List.of("0-0", "1-1", "2-3", "4-4", "5-5"), spans(g));
        Subprogram f = g.functions().get(0);
        assertEquals(List.of(new Edge(2, 2), new Edge(3, 1)), f.backEdges());
        assertEquals(List.of(1, 2), f.loopHeads());
        WeakTopologicalOrder wto = f.weakTopologicalOrder();
        assertEquals("0 (1 (2) 3) 4", wto.toString());
        assertEquals(java.util.Set.of(1, 2), wto.heads());
        assertEquals(List.of(1, 2), g.block(2).predecessors(), "the inner head is entered from the outer and itself");
    }

    @Test
    void localCallsMakeFunctionsAndCallSitesButNoEdges() {
        ControlFlowGraph g = ControlFlowGraph.of(program(
                call(2),      // 0 -> function at 3
                call(3),      // 1 -> function at 5
                exit(),       // 2
                alu(),        // 3 function 3
                exit(),       // 4
                call(-3),     // 5 function 5 -> function 3
                exit()));     // 6
        assertEquals(List.of(0, 3, 5), g.functions().stream().map(Subprogram::entry).toList());
        assertEquals(List.of(new CallSite(0, 0, 3), new CallSite(1, 1, 3 + 2), new CallSite(5, 4, 3)),
                g.callSites());
        assertEquals(Terminator.LOCAL_CALL, g.block(0).terminator());
        assertEquals(List.of(1), g.block(0).successors(), "a call continues at the next instruction");
        Subprogram main = g.function(0).orElseThrow();
        assertEquals(List.of(0, 1, 2), main.blocks());
        assertEquals(3, main.instructionCount());
        assertEquals(2, main.callSites().size());
        Subprogram f3 = g.function(3).orElseThrow();
        assertEquals(List.of(3), f3.blocks());
        assertEquals(3, f3.entryBlock());
        assertTrue(g.block(3).predecessors().isEmpty(), "a callee's entry has no predecessor: calls are not edges");
        assertEquals(List.of(new CallSite(5, 4, 3)), g.function(5).orElseThrow().callSites());
        assertTrue(g.function(4).isEmpty());
    }

    @Test
    void codeSharedByTwoFunctionsBelongsToBothAndIsSplitTheSameForBoth() {
        ControlFlowGraph g = ControlFlowGraph.of(program(
                call(2),      // 0 -> 3
                jump(3),      // 1 -> 5 (into the shared tail)
                exit(),       // 2 unreachable
                alu(),        // 3 function 3
                alu(),        // 4
                alu(),        // 5 shared: a jump target, so a block starts here for everyone
                exit()));     // 6
        assertEquals(List.of("0-0", "1-1", "3-4", "5-6"), spans(g));
        Subprogram main = g.function(0).orElseThrow();
        Subprogram callee = g.function(3).orElseThrow();
        assertEquals(List.of(0, 1, 3), main.blocks());
        assertEquals(List.of(2, 3), callee.blocks());
        assertTrue(main.contains(3) && callee.contains(3));
        assertEquals(List.of(1, 2), g.block(3).predecessors());
        assertEquals(List.of(2), g.unreachable());
        assertEquals(-1, g.blockAt(2));
        assertFalse(g.isReachable(2));
        assertEquals(6, g.reachableInstructions());
    }

    @Test
    void aWideLoadOccupiesTwoPcsOfOneBlockAndTheEndMayBeRunPast() {
        ControlFlowGraph g = ControlFlowGraph.of(program(
                new Instruction.LoadImm64(Reg.R1, Pseudo.IMM64, 1, 2), // 0-1
                jeq(1),       // 2 -> 4
                exit(),       // 3
                alu()));      // 4: the last instruction, not an exit
        assertEquals(List.of("0-2", "3-3", "4-4"), spans(g));
        assertEquals(0, g.blockAt(1));
        assertEquals(2, g.block(0).length());
        assertEquals(Terminator.FALL_OFF_END, g.block(2).terminator());
        assertTrue(g.block(2).fallsOffEnd());
        assertFalse(g.block(0).fallsOffEnd());
        assertEquals(3, g.block(0).end(g));

        ControlFlowGraph branchAtEnd = ControlFlowGraph.of(program(alu(), jeq(-2)));
        assertEquals(List.of("0-1"), spans(branchAtEnd));
        assertEquals(Terminator.BRANCH, branchAtEnd.block(0).terminator());
        assertTrue(branchAtEnd.block(0).fallsOffEnd());
        assertEquals(List.of(0), branchAtEnd.block(0).successors());
        assertEquals(List.of(new Edge(0, 0)), branchAtEnd.functions().get(0).backEdges());
    }

    @Test
    void aLongChainOfTinyFunctionsIsLinear() {
        int functions = 20_000;
        List<Instruction> code = new ArrayList<>();
        for (int i = 0; i < functions; i++) {
            code.add(call(1)); // the next function
            code.add(exit());
        }
        code.add(exit());
        ControlFlowGraph g = ControlFlowGraph.of(program(code.toArray(Instruction[]::new)));
        assertEquals(functions + 1, g.functions().size());
        int total = g.functions().stream().mapToInt(Subprogram::instructionCount).sum();
        assertEquals(g.reachableInstructions(), total, "no code is shared, so none is counted twice");
    }

    @Test
    void thousandsOfNestedLoopsNeedNoDeepJavaStack() {
        // Heads at pcs 0..n-1, then the back edges innermost first: loop k spans k..2n-1-k.
        int n = 3_000;
        List<Instruction> code = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            code.add(alu());
        }
        for (int k = 0; k < n; k++) {
            int pc = n + k;
            int head = n - 1 - k;
            code.add(jeq(head - pc - 1));
        }
        code.add(exit());
        ControlFlowGraph g = ControlFlowGraph.of(program(code.toArray(Instruction[]::new)));
        Subprogram f = g.functions().get(0);
        assertEquals(n, f.loopHeads().size());
        WeakTopologicalOrder wto = f.weakTopologicalOrder();
        assertEquals(n, wto.heads().size());
        // The outermost component holds everything but the exit, nested n deep.
        assertEquals(2, wto.elements().size());
        int depth = 0;
        WtoElement e = wto.elements().get(0);
        while (e instanceof WtoElement.Component c) {
            depth++;
            e = c.body().isEmpty() ? null : c.body().get(0);
        }
        assertEquals(n, depth);
    }

    @Test
    void functionsSharingTooMuchCodeAreRefusedWithTheirEntry() {
        // k functions, each a goto into one shared body of m instructions: k * m reached in all.
        int k = 300;
        int m = 1_000;
        List<Instruction> code = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            code.add(call(k)); // pc i calls the stub at k + 1 + i
        }
        code.add(exit()); // pc k
        for (int i = 0; i < k; i++) {
            code.add(jump(k - 1 - i)); // stub at k + 1 + i jumps to the body at 2k + 1
        }
        for (int i = 0; i < m; i++) {
            code.add(alu());
        }
        code.add(exit());
        ControlFlowLimitException e = assertThrows(ControlFlowLimitException.class,
                () -> ControlFlowGraph.of(program(code.toArray(Instruction[]::new))));
        assertTrue(e.entry() > k, e.getMessage());
        assertTrue(e.getMessage().contains("share too much code"), e.getMessage());

        // The same shape with a small body is fine, and each stub reaches the body.
        List<Instruction> small = new ArrayList<>(code.subList(0, 2 * k + 1));
        small.add(alu());
        small.add(exit());
        ControlFlowGraph g = ControlFlowGraph.of(program(small.toArray(Instruction[]::new)));
        assertEquals(k + 1, g.functions().size());
        int body = g.blockAt(2 * k + 1);
        assertTrue(g.functions().stream().skip(1).allMatch(f -> f.contains(body)));
    }

    /**
     * On random programs (jumps anywhere, calls, exits), the weak topological order lists each
     * block of a function exactly once, and every edge goes forward in it unless it enters the
     * head of a component that contains its source: the defining property of a WTO.
     */
    @Test
    void weakTopologicalOrdersOfRandomProgramsHaveTheDefiningProperty() {
        Random random = new Random(12);
        for (int round = 0; round < 2_000; round++) {
            int n = 2 + random.nextInt(40);
            Instruction[] code = new Instruction[n];
            for (int pc = 0; pc < n; pc++) {
                int target = random.nextInt(n);
                int offset = target - pc - 1;
                code[pc] = switch (random.nextInt(8)) {
                    case 0, 1 -> jeq(offset);
                    case 2 -> jump(offset);
                    case 3 -> call(offset);
                    case 4 -> exit();
                    default -> alu();
                };
            }
            ControlFlowGraph g = ControlFlowGraph.of(program(code));
            for (Subprogram f : g.functions()) {
                checkWto(g, f, round);
            }
        }
    }

    private static void checkWto(ControlFlowGraph g, Subprogram f, int round) {
        WeakTopologicalOrder wto = f.weakTopologicalOrder();
        Map<Integer, Integer> position = new java.util.HashMap<>();
        Map<Integer, List<Integer>> enclosingHeads = new java.util.HashMap<>();
        walk(wto.elements(), new ArrayList<>(), position, enclosingHeads);
        assertEquals(f.blocks().size(), position.size(), "round " + round + ": every block once: " + wto);
        assertEquals(new java.util.TreeSet<>(f.blocks()), new java.util.TreeSet<>(position.keySet()));
        assertEquals(g.block(f.entryBlock()).id(), firstOf(wto.elements().get(0)), "the entry comes first");
        for (int u : f.blocks()) {
            for (int v : g.block(u).successors()) {
                boolean forward = position.get(u) < position.get(v);
                boolean intoEnclosingHead = enclosingHeads.get(u).contains(v);
                assertTrue(forward || intoEnclosingHead,
                        "round " + round + ": edge " + u + "->" + v + " goes backward outside a component: " + wto);
            }
        }
        // Every back edge's target is a component head.
        for (Edge e : f.backEdges()) {
            assertTrue(wto.heads().contains(e.to()), "round " + round + ": " + e + " not into a head: " + wto);
        }
    }

    private static int firstOf(WtoElement e) {
        return switch (e) {
            case WtoElement.Vertex v -> v.block();
            case WtoElement.Component c -> c.head();
        };
    }

    private static void walk(List<WtoElement> elements, List<Integer> heads, Map<Integer, Integer> position,
            Map<Integer, List<Integer>> enclosing) {
        for (WtoElement e : elements) {
            switch (e) {
                case WtoElement.Vertex v -> {
                    assertFalse(position.containsKey(v.block()), "block " + v.block() + " twice");
                    position.put(v.block(), position.size());
                    enclosing.put(v.block(), List.copyOf(heads));
                }
                case WtoElement.Component c -> {
                    assertFalse(position.containsKey(c.head()), "block " + c.head() + " twice");
                    List<Integer> inner = new ArrayList<>(heads);
                    inner.add(c.head());
                    position.put(c.head(), position.size());
                    enclosing.put(c.head(), List.copyOf(inner));
                    walk(c.body(), inner, position, enclosing);
                }
            }
        }
    }

    @Test
    void aBranchNamesItsTwoEdgesEvenWhenTheyMeet() {
        ControlFlowGraph g = ControlFlowGraph.of(program(
                jeq(0),       // 0 -> 1 either way
                alu(),        // 1
                jeq(1),       // 2 -> 4
                jump(-4),     // 3 -> 0
                exit()));     // 4
        BasicBlock b0 = g.block(0);
        assertEquals(List.of(1), b0.successors(), "one successor when both edges reach it");
        assertEquals(java.util.OptionalInt.of(1), b0.fallThrough());
        assertEquals(java.util.OptionalInt.of(1), b0.taken());
        BasicBlock b2 = g.block(g.blockAt(3));
        assertEquals(Terminator.GOTO, b2.terminator());
        assertTrue(b2.fallThrough().isEmpty(), "goto has no fall-through");
        assertEquals(java.util.OptionalInt.of(0), b2.taken());
        assertTrue(g.block(g.blockAt(4)).fallThrough().isEmpty());
        assertTrue(g.block(g.blockAt(4)).taken().isEmpty());
        assertEquals(List.of(1, 2), g.block(1).pcs());
    }

    @Test
    void aWideLoadTakesTwoPcsButIsOneInstructionOfItsBlock() {
        ControlFlowGraph g = ControlFlowGraph.of(program(
                Instruction.LoadImm64.of(Reg.R0, 7), // 0-1
                alu(),                               // 2
                exit()));                            // 3
        assertEquals(List.of(0, 2, 3), g.block(0).pcs());
        assertEquals(3, g.block(0).length());
    }

    @Test
    void aCallbackLoadedAsAFunctionAddressIsAFunction() {
        // r2 = func[pc 4] (imm is relative to the next slot), a helper call (bpf_loop), exit; the
        // callback at pc 4 is entered only through the helper.
        ControlFlowGraph g = ControlFlowGraph.of(program(
                new Instruction.LoadImm64(Reg.R2, Pseudo.FUNC, 3, 0), // 0-1 -> 4
                new Instruction.Call(Instruction.CallKind.HELPER, 181),  // 2
                exit(),                                                  // 3
                alu(),                                                   // 4
                exit()));                                                // 5
        assertEquals(List.of(0, 4), g.functions().stream().map(Subprogram::entry).toList());
        assertTrue(g.isReachable(4));
        assertTrue(g.unreachable().isEmpty());
        Subprogram cb = g.function(4).orElseThrow();
        assertEquals(1, cb.blockCount());
        assertEquals(0, cb.localIndex(cb.entryBlock()));
        assertEquals(cb.entryBlock(), cb.localBlock(0).id());
        assertEquals(-1, cb.localIndex(0), "the caller's block is not the callback's");
    }

    @Test
    void aFunctionAddressOutsideTheProgramAddsNoFunction() {
        ControlFlowGraph g = ControlFlowGraph.of(program(
                new Instruction.LoadImm64(Reg.R2, Pseudo.FUNC, 40, 0),
                exit()));
        assertEquals(1, g.functions().size());
    }
}
