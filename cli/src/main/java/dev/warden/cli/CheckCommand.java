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

/**
 * {@code warden check policy.eim}: diagnostics (on stderr, as compilers print them), Z3 policy
 * lint and a summary (on stdout); exit 1 on errors, or on warnings with {@code --warnings-as-errors}.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check an EIM policy: located errors and warnings, dead capabilities (Z3),",
                "constraints that restrict nothing, and which class of an entry is weaker than which.",
                "Diagnostics go to stderr, the summary to stdout (with --json: one JSON object on stdout).",
                "Exit status 0: clean or warnings only; 1: errors (or warnings, with --warnings-as-errors)."})
public final class CheckCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "POLICY", description = "the policy file (.eim)")
    Path policy;

    @Option(names = "--smt-timeout-ms", defaultValue = "5000", paramLabel = "MS",
            description = "time budget of each Z3 query (default ${DEFAULT-VALUE}); an undecided query is reported as such")
    long timeoutMs;

    @Option(names = {"--warnings-as-errors", "-Werror"}, description = "exit with status 1 when there is any warning")
    boolean warningsAsErrors;

    @Option(names = "--json", description = "print one JSON object: the diagnostics, their counts, the entries and their classes, the class relations")
    boolean json;

    @Override
    public Integer call() {
        Duration budget = SmtBudget.of(timeoutMs);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ParseResult r = Eim.parse(policy);
        List<Diagnostic> all = new ArrayList<>(r.diagnostics());
        List<String> relations = new ArrayList<>();
        if (r.policy().isPresent()) {
            try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(budget)) {
                all.addAll(PolicyQueries.lint(r, solver));
                for (PolicyQueries.Subsumption s : PolicyQueries.subsumptions(r.policy().get(), solver)) relations.add(s.show());
            }
        }
        all.sort(Comparator.comparing((Diagnostic d) -> !d.location().file().equals(policy.toString()))
                .thenComparing(d -> d.location().file())
                .thenComparingInt(d -> d.location().line()).thenComparingInt(d -> d.location().column()));
        long errors = all.stream().filter(d -> d.severity() == Severity.ERROR).count();
        long warnings = all.stream().filter(d -> d.severity() == Severity.WARNING).count();
        if (json) {
            out.println(json(all, errors, warnings, r, relations));
        } else {
            for (Diagnostic d : all) err.println(d.format());
            err.flush();
            out.println(policy + ": " + plural(errors, "error") + ", " + plural(warnings, "warning"));
            r.policy().ifPresent(p -> summary(p, relations, out));
        }
        out.flush();
        return errors > 0 || (warningsAsErrors && warnings > 0) ? 1 : 0;
    }

    private String json(List<Diagnostic> all, long errors, long warnings, ParseResult r, List<String> relations) {
        StringBuilder sb = new StringBuilder("{\"file\":").append(Json.string(policy.toString()))
                .append(",\"errors\":").append(errors).append(",\"warnings\":").append(warnings)
                .append(",\"diagnostics\":").append(Json.diagnostics(all));
        r.policy().ifPresent(p -> {
            sb.append(",\"entries\":[");
            int i = 0;
            for (String e : p.entries().keySet()) {
                if (i++ > 0) sb.append(',');
                sb.append("{\"name\":").append(Json.string(e)).append(",\"classes\":[")
                        .append(String.join(",", p.classesAt(e).stream().map(c -> Json.string(c.name())).toList())).append("]}");
            }
            sb.append("],\"relations\":[").append(String.join(",", relations.stream().map(Json::string).toList())).append(']');
        });
        return sb.append('}').toString();
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
