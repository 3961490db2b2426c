package dev.warden.runtime.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.Program;
import dev.warden.isa.random.Feature;
import dev.warden.isa.random.GeneratorOptions;
import dev.warden.isa.random.RandomProgramGenerator;
import dev.warden.jit.CheckElision;
import dev.warden.jit.JitCompiler;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import org.junit.jupiter.api.Test;

/**
 * Programs large enough that the JIT splits their functions into chunk methods (registers
 * crossing chunks through an array, jumps between chunks through a dispatcher) agree with the
 * interpreter, up to a 100,000-instruction program.
 */
class LargeProgramsAgreeWithInterpreterTest {

    @Test
    void chunkedRandomProgramsAgree() {
        // Verifier-shaped programs: no static fault cuts them short, so they must be chunked.
        RandomProgramGenerator generator = new RandomProgramGenerator(
                GeneratorOptions.defaults().withBodyInstructions(3_000));
        for (long seed = 0; seed < 20; seed++) {
            Program p = generator.generate(seed).program();
            JitCompiler.Generated g = JitCompiler.generate(p, ExecOptions.defaults().helpers(), CheckElision.NONE);
            assertTrue(g.methods() > g.functions(), "seed " + seed + " was not split into chunks");
            agree(p, new byte[0], seed);
        }
        // Programs with calls, helpers, memory and faults; large, though a fault may end them early.
        for (long seed = 0; seed < 40; seed++) {
            agree(DifferentialProgramGenerator.generate(1_000_000 + seed, 1_500), DifferentialProgramGenerator.input(seed), seed);
        }
    }

    private static void agree(Program p, byte[] input, long seed) {
        EngineRun reference = EngineRun.of(new Interpreter(), p, input, ExecOptions.defaults());
        EngineRun compiled = EngineRun.of(new JitEngine(), p, input, ExecOptions.defaults());
        assertNull(compiled.differenceFrom(reference), () -> "seed " + seed);
    }

    @Test
    void aHundredThousandInstructionProgramAgrees() {
        // Without the generator's local calls: nested in loops they make a program this size run
        // for billions of instructions.
        Program p = new RandomProgramGenerator(GeneratorOptions.defaults().without(Feature.LOCAL_CALLS).withBodyInstructions(100_000))
                .generate(77).program();
        assertTrue(p.size() >= 100_000);
        EngineRun reference = EngineRun.of(new Interpreter(), p, new byte[0], ExecOptions.defaults());
        EngineRun compiled = EngineRun.of(new JitEngine(), p, new byte[0], ExecOptions.defaults());
        assertInstanceOf(ExecResult.Returned.class, reference.result());
        assertEquals(reference.result(), compiled.result());
        assertNull(compiled.differenceFrom(reference));
    }
}
