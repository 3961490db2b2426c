package dev.warden.verifier.eim;

import dev.warden.eim.Expr;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.transfer.Sink;
import java.util.Map;

/** The entry's constraints on {@code rtn}, proved of r0 at every exit of the extension. */
public final class ExitConstraints {
    private ExitConstraints() {}

    public static void check(EimPlatform eim, ConstraintProver prover, AbstractState s, int pc, String line, Sink sink) {
        if (!sink.collecting() || eim.returnConstraints().isEmpty()) {
            return;
        }
        // The arguments keep the values the extension received; rtn is r0.
        Map<String, Operand> scope = new java.util.LinkedHashMap<>(eim.argumentScope());
        scope.put("rtn", new Operand(eim.grants().entry().prototype().returns(), s.reg(0)));
        for (Expr c : eim.returnConstraints()) {
            if (prover.check(eim.types(), scope, MemoryOracle.NONE, c) instanceof ConstraintProver.Verdict.MayFail f) {
                sink.violation(pc, new Obligation.Constraint(c.show(), eim.whereOr(c, eim.where(eim.grants().entry(), eim.grants().entry()))), "the extension" + line + " may return "
                        + f.witness().orElse("a value outside it") + "; " + (eim.grants().entry().constraints().contains(c)
                        ? "entry '" + eim.grants().entry().name() + "'" : "the class '" + eim.className() + "'")
                        + " requires " + c.show() + " (" + eim.whereOr(c, eim.where(eim.grants().entry(), eim.grants().entry())) + ")"
                        + (f.witness().isPresent() ? "" : " [" + f.how() + "]"), s);
            }
        }
    }
}
