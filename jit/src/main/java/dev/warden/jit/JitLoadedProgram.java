package dev.warden.jit;

import dev.warden.isa.Program;
import dev.warden.vm.AbstractLoadedProgram;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.Region;

/** A program compiled for its own {@link dev.warden.vm.Memory}; runs it on one thread at a time. */
final class JitLoadedProgram extends AbstractLoadedProgram {
    private final JitCode code;

    /** @throws dev.warden.vm.ProgramRefusedException as {@link JitCompiler#compile}; the memory is freed then */
    JitLoadedProgram(Program program, ExecOptions options, CheckElision elision) {
        super(program, options);
        JitCode compiled;
        try {
            compiled = JitCompiler.compile(program, options.helpers(), memory(), elision);
        } catch (RuntimeException | Error e) {
            close(); // nobody will get a reference to close it later
            throw e;
        }
        this.code = compiled;
    }

    @Override
    protected long execute(long r1, long r2, long r10) {
        Region input = memory().input();
        code.startRun(input.base(), input.size(), input.access().canWrite(), options().budget());
        return code.run(r1, r2, r10);
    }
}
