package dev.warden.cli;

import dev.warden.eim.Diagnostic;
import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import dev.warden.eim.Policy;
import dev.warden.eim.Severity;
import dev.warden.eim.smt.PolicyQueries;
import dev.warden.eim.smt.Z3ConstraintSolver;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code warden check policy.eim}: diagnostics, Z3 policy lint and a summary; exit 1 on errors. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check an EIM policy: located errors and warnings, dead capabilities (Z3),",
                "constraints that restrict nothing, and which class of an entry is weaker than which.",
                "Exit status 0: clean or warnings only; 1: errors."})
public final class CheckCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "POLICY", description = "the policy file (.eim)")
    Path policy;

    @Option(names = "--smt-timeout-ms", defaultValue = "5000", paramLabel = "MS",
            description = "time budget of each Z3 query (default ${DEFAULT-VALUE}); an undecided query is reported as such")
    long timeoutMs;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ParseResult r = Eim.parse(policy);
        List<Diagnostic> all = new ArrayList<>(r.diagnostics());
        List<String> relations = new ArrayList<>();
        if (r.policy().isPresent()) {
            try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(Duration.ofMillis(timeoutMs))) {
                all.addAll(PolicyQueries.lint(r, solver));
                for (PolicyQueries.Subsumption s : PolicyQueries.subsumptions(r.policy().get(), solver)) relations.add(s.show());
            }
        }
        all.sort(Comparator.comparing((Diagnostic d) -> !d.location().file().equals(policy.toString()))
                .thenComparing(d -> d.location().file())
                .thenComparingInt(d -> d.location().line()).thenComparingInt(d -> d.location().column()));
        for (Diagnostic d : all) out.println(d.format());
        long errors = all.stream().filter(d -> d.severity() == Severity.ERROR).count();
        long warnings = all.stream().filter(d -> d.severity() == Severity.WARNING).count();
        out.println(policy + ": " + plural(errors, "error") + ", " + plural(warnings, "warning"));
        r.policy().ifPresent(p -> summary(p, relations, out));
        out.flush();
        return errors > 0 ? 1 : 0;
    }

    private static void summary(Policy p, List<String> relations, PrintWriter out) {
        out.println(plural(p.entries().size(), "entry").replace("entrys", "entries") + ", "
                + plural(p.classes().size(), "class").replace("classs", "classes") + ", "
                + plural(p.functionCapabilities().size() + p.stateCapabilities().size(), "capability").replace("capabilitys", "capabilities"));
        for (String e : p.entries().keySet()) {
            out.println("  entry " + e + ": " + String.join(", ", p.classesAt(e).stream().map(c -> c.name()).toList()));
        }
        for (String s : relations) out.println("  " + s);
    }

    static String plural(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
