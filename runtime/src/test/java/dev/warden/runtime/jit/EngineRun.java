package dev.warden.runtime.jit;

import dev.warden.isa.Program;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.LoadedProgram;
import dev.warden.vm.Region;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What one engine did with one program: the result, and the input and outermost stack frame as
 * the run left them.
 */
record EngineRun(ExecResult result, byte[] input, byte[] stack) {

    static EngineRun of(Engine engine, Program program, byte[] input, ExecOptions options) {
        try (LoadedProgram lp = engine.load(program, options)) {
            ExecResult r = lp.run(input);
            Region in = lp.memory().input();
            byte[] inputAfter = lp.memory().read(in.base(), (int) in.size());
            Region frame0 = lp.memory().regions().stream()
                    .filter(g -> g.name().equals("stack frame 0")).findFirst().orElseThrow();
            byte[] stackAfter = lp.memory().read(frame0.base(), (int) frame0.size());
            return new EngineRun(r, inputAfter, stackAfter);
        }
    }

    /**
     * How this run (the JIT's) differs from the reference (the interpreter's), or null if it
     * does not. Faults must agree in kind and pc, budget faults included: an exhausted budget
     * stops compiled code at the very instruction where the interpreter stops, with the same
     * memory.
     */
    String differenceFrom(EngineRun reference) {
        String r = switch (reference.result) {
            case ExecResult.Returned ret -> result.equals(ret) ? null : "interpreter " + ret + ", JIT " + result;
            case ExecResult.Faulted f -> result instanceof ExecResult.Faulted g
                    && g.fault().kind() == f.fault().kind() && g.fault().pc() == f.fault().pc()
                    ? null : "interpreter " + f.fault() + ", JIT " + result;
        };
        if (r != null) {
            return r;
        }
        if (!Arrays.equals(input, reference.input)) {
            return "input memory differs: interpreter " + HexFormat.of().formatHex(reference.input)
                    + ", JIT " + HexFormat.of().formatHex(input);
        }
        if (!Arrays.equals(stack, reference.stack)) {
            return "stack differs: interpreter " + HexFormat.of().formatHex(reference.stack)
                    + ", JIT " + HexFormat.of().formatHex(stack);
        }
        return null;
    }
}
