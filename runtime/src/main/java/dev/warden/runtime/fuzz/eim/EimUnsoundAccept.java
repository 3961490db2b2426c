package dev.warden.runtime.fuzz.eim;

/**
 * An accepted program that broke its class when run: a fault in the guarded replay (an access the
 * grants do not allow, a call whose arguments break the capability) or a broken constraint read
 * back after the run (a stored value, the returned value). A soundness bug of the verifier (or of
 * the harness).
 *
 * @param generated the case: seed, policy, program, planted flaws
 * @param input the entry's arguments and the host bytes of the run, described
 * @param problem what broke, and where
 */
public record EimUnsoundAccept(EimCase generated, String input, String problem) {
    /** Everything needed to reproduce and read it. */
    public String describe() {
        return "program seed " + generated.seed() + " was accepted but broke class '" + EimCase.CLASS + "': " + problem + "\n"
                + "input: " + input + "\n" + generated.describe();
    }
}
