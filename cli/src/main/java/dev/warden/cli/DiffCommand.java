package dev.warden.cli;

import dev.warden.eim.Diagnostic;
import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import dev.warden.eim.smt.PolicyQueries;
import dev.warden.eim.smt.Z3ConstraintSolver;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code warden diff old.eim new.eim}: per class, what a policy change grants or revokes, with witnesses. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare two versions of an EIM policy class by class: grants, revocations,",
                "weakened or strengthened constraints (each with a witness), changed limits, probable renames",
                "(a class of a new name at the same entry with the same grants). Coverage is by bytes:",
                "write(r) covers write(r->status).",
                "Exit status 0 when both policies check (whatever changed); 1 when either has errors."})
public final class DiffCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "the policy before the change")
    Path previous;

    @Parameters(index = "1", paramLabel = "NEW", description = "the policy after the change")
    Path next;

    @Option(names = "--smt-timeout-ms", defaultValue = "5000", paramLabel = "MS",
            description = "time budget of each Z3 query (default ${DEFAULT-VALUE})")
    long timeoutMs;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ParseResult a = Eim.parse(previous);
        ParseResult b = Eim.parse(next);
        if (a.hasErrors() || b.hasErrors()) {
            for (Diagnostic d : a.diagnostics()) out.println(d.format());
            for (Diagnostic d : b.diagnostics()) out.println(d.format());
            out.flush();
            throw new UserError("cannot compare policies with errors (run warden check)");
        }
        List<PolicyQueries.Change> changes;
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(Duration.ofMillis(timeoutMs))) {
            changes = PolicyQueries.diff(a.policy().orElseThrow(), b.policy().orElseThrow(), solver);
        }
        if (changes.isEmpty()) {
            out.println("no class gains or loses anything");
        }
        String current = null;
        for (PolicyQueries.Change c : changes) {
            if (!c.className().equals(current)) {
                current = c.className();
                out.println("class " + current + ":");
            }
            out.println("  " + c.show());
        }
        out.flush();
        return 0;
    }
}
