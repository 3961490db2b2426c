package dev.warden.jit;

import dev.warden.isa.Program;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import dev.warden.vm.LoadedProgram;
import dev.warden.vm.ProgramRefusedException;

/**
 * Loads one adversarial program through the JIT in a JVM of its own (started by
 * {@link JitLoadsAdversarialProgramsInBoundedMemoryTest} with a small heap), runs it once, and
 * prints one line: {@code loaded <result>} or {@code refused <message>}. Anything else that
 * escapes (an {@link OutOfMemoryError} included) ends the JVM with a non-zero status.
 */
public final class AdversarialLoad {
    private AdversarialLoad() {}

    public static void main(String[] args) {
        Program p = switch (args[0]) {
            case "chain" -> AdversarialPrograms.callChain(Integer.parseInt(args[1]));
            case "shared" -> AdversarialPrograms.sharedBody(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException("unknown shape " + args[0]);
        };
        try (LoadedProgram lp = new JitEngine().load(p, ExecOptions.defaults())) {
            ExecResult r = lp.run(new byte[0]);
            System.out.println("loaded " + p.size() + " instructions: " + r);
        } catch (ProgramRefusedException e) {
            System.out.println("refused " + e.getMessage());
        }
    }
}
