package dev.warden.jit;

import dev.warden.isa.Program;
import dev.warden.vm.AbstractLoadedProgram;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.Region;

/** A program compiled for its own {@link dev.warden.vm.Memory}; runs it on one thread at a time. */
final class JitLoadedProgram extends AbstractLoadedProgram {
    private final JitCode code;

    JitLoadedProgram(Program program, ExecOptions options, CheckElision elision) {
        super(program, options);
        this.code = JitCompiler.compile(program, options.helpers(), memory(), elision);
    }

    @Override
    protected long execute(long r1, long r2, long r10) {
        Region input = memory().input();
        code.startRun(input.base(), input.size(), input.access().canWrite(), options().budget());
        return code.run(r1, r2, r10);
    }
}
