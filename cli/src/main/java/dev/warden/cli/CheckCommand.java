package dev.warden.cli;

import dev.warden.eim.Diagnostic;
import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import dev.warden.eim.Severity;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code warden check policy.eim}: diagnostics, Z3 policy lint and a summary; exit 1 on errors. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Check an EIM policy: located errors and warnings, dead capabilities, class subsumption.")
public final class CheckCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "POLICY", description = "the policy file (.eim)")
    Path policy;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ParseResult r = Eim.parse(policy);
        for (Diagnostic d : r.diagnostics()) out.println(d.format());
        long errors = r.count(Severity.ERROR);
        long warnings = r.count(Severity.WARNING);
        out.println(policy + ": " + plural(errors, "error") + ", " + plural(warnings, "warning"));
        out.flush();
        return errors > 0 ? 1 : 0;
    }

    static String plural(long n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
