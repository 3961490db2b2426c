package dev.warden.cli;

import dev.warden.eim.Diagnostic;
import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import dev.warden.eim.smt.PolicyQueries;
import dev.warden.eim.smt.Z3ConstraintSolver;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code warden diff old.eim new.eim}: per class, what a policy change grants or revokes, with witnesses. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare two versions of an EIM policy class by class: grants, revocations,",
                "weakened or strengthened constraints (each with a witness), changed limits and layouts, probable renames",
                "(a class of a new name at the same entry with the same grants, or with most of them). Coverage is by bytes:",
                "write(r) covers write(r->status). An added class is listed with everything it grants.",
                "Exit status 0 when both policies check (whatever changed); 1 when either has errors;",
                "2 when a change of a kind given to --fail-on was found."})
public final class DiffCommand implements Callable<Integer> {

    /** Exit status when a change of a {@code --fail-on} kind is found (1 stays "the input has errors"). */
    static final int FAIL_ON_STATUS = 2;

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OLD", description = "the policy before the change")
    Path previous;

    @Parameters(index = "1", paramLabel = "NEW", description = "the policy after the change")
    Path next;

    @Option(names = "--smt-timeout-ms", defaultValue = "5000", paramLabel = "MS",
            description = "time budget of each Z3 query (default ${DEFAULT-VALUE})")
    long timeoutMs;

    @Option(names = "--json", description = "print one JSON object: the changes, each with its class, kind, what and witness")
    boolean json;

    @Option(names = "--fail-on", split = ",", paramLabel = "KIND",
            description = "exit with status 2 if a change of one of these kinds is found: granted, revoked, weakened,"
                    + " strengthened, limit-raised, limit-lowered, class-added, class-removed, class-renamed,"
                    + " class-renamed-and-changed, entry-changed, layout-changed, undecided (comma-separated)")
    List<String> failOn = new ArrayList<>();

    @Override
    public Integer call() {
        Set<PolicyQueries.ChangeKind> failKinds = kinds(failOn);
        var budget = SmtBudget.of(timeoutMs);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ParseResult a = Eim.parse(previous);
        ParseResult b = Eim.parse(next);
        if (a.hasErrors() || b.hasErrors()) {
            List<Diagnostic> all = new ArrayList<>(a.diagnostics());
            all.addAll(b.diagnostics());
            if (json) {
                out.println("{\"old\":" + Json.string(previous.toString()) + ",\"new\":" + Json.string(next.toString())
                        + ",\"diagnostics\":" + Json.diagnostics(all) + "}");
                out.flush();
                return 1;
            }
            for (Diagnostic d : all) err.println(d.format());
            err.flush();
            throw new UserError("cannot compare policies with errors (run warden check)");
        }
        List<PolicyQueries.Change> changes;
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(budget)) {
            changes = PolicyQueries.diff(a.policy().orElseThrow(), b.policy().orElseThrow(), solver);
        }
        if (json) {
            out.println(json(changes));
        } else {
            print(changes, out);
        }
        out.flush();
        List<PolicyQueries.Change> failing = changes.stream().filter(c -> failKinds.contains(c.kind())).toList();
        if (!failing.isEmpty()) {
            err.println("warden: " + CheckCommand.plural(failing.size(), "change") + " of a --fail-on kind ("
                    + String.join(", ", failOn) + ")");
            err.flush();
            return FAIL_ON_STATUS;
        }
        return 0;
    }

    private static void print(List<PolicyQueries.Change> changes, PrintWriter out) {
        if (changes.isEmpty()) {
            out.println("no class gains or loses anything");
        }
        String current = null;
        for (PolicyQueries.Change c : changes) {
            if (!c.className().equals(current)) {
                current = c.className();
                out.println(current.isEmpty() ? "layouts:" : "class " + current + ":");
            }
            out.println("  " + c.show());
        }
    }

    private String json(List<PolicyQueries.Change> changes) {
        StringBuilder sb = new StringBuilder("{\"old\":").append(Json.string(previous.toString()))
                .append(",\"new\":").append(Json.string(next.toString())).append(",\"changes\":[");
        for (int i = 0; i < changes.size(); i++) {
            PolicyQueries.Change c = changes.get(i);
            if (i > 0) sb.append(',');
            sb.append("{\"class\":").append(Json.string(c.className()))
                    .append(",\"kind\":").append(Json.string(kindName(c.kind())))
                    .append(",\"what\":").append(Json.string(c.what()));
            c.witness().ifPresent(w -> sb.append(",\"witness\":").append(Json.string(w)));
            sb.append('}');
        }
        return sb.append("]}").toString();
    }

    /** {@code GRANTED} is written {@code granted}, {@code LIMIT_RAISED} {@code limit-raised}. */
    static String kindName(PolicyQueries.ChangeKind k) {
        return k.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static Set<PolicyQueries.ChangeKind> kinds(List<String> names) {
        Set<PolicyQueries.ChangeKind> out = EnumSet.noneOf(PolicyQueries.ChangeKind.class);
        for (String n : names) {
            Optional<PolicyQueries.ChangeKind> k = java.util.Arrays.stream(PolicyQueries.ChangeKind.values())
                    .filter(x -> kindName(x).equals(n.trim().toLowerCase(Locale.ROOT))).findFirst();
            if (k.isEmpty()) {
                throw new UserError("--fail-on: unknown kind '" + n + "' (kinds: " + String.join(", ",
                        java.util.Arrays.stream(PolicyQueries.ChangeKind.values()).map(DiffCommand::kindName).toList()) + ")");
            }
            k.ifPresent(out::add);
        }
        return out;
    }
}
