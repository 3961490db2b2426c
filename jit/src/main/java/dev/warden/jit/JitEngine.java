package dev.warden.jit;

import dev.warden.isa.Program;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.LoadedProgram;

/**
 * The JIT, engine "jit": compiles each loaded program to a hidden JVM class, which HotSpot then
 * compiles to machine code. Same semantics as the interpreter, checked by the differential test.
 */
public final class JitEngine implements Engine {
    public static final String NAME = "jit";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LoadedProgram load(Program program, ExecOptions options) {
        return new JitLoadedProgram(program, options, CheckElision.NONE);
    }
}
