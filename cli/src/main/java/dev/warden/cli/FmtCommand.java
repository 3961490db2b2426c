package dev.warden.cli;

import dev.warden.eim.Diagnostic;
import dev.warden.eim.Eim;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code warden fmt policy.eim}: the canonical form of a policy (formatting twice changes nothing). */
@Command(name = "fmt", mixinStandardHelpOptions = true,
        description = {"Print an EIM policy in canonical form; comments are kept (end-of-line comments on their line).",
                "A policy with errors is not formatted (its diagnostics go to stderr, exit status 1).",
                "With --check: exit status 1 if the file is not in canonical form, for CI."})
public final class FmtCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "POLICY", description = "the policy file (.eim)")
    Path policy;

    @Option(names = {"-w", "--write"}, description = "rewrite the file instead of printing")
    boolean write;

    @Option(names = "--check", description = "print nothing; exit 1 (naming the file on stderr) if the file is not in canonical form")
    boolean check;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        return switch (Eim.format(policy)) {
            case Eim.Formatted.Failed f -> {
                // stderr: "warden fmt bad.eim > out.eim" must not write the errors into out.eim.
                PrintWriter err = spec.commandLine().getErr();
                for (Diagnostic d : f.diagnostics()) err.println(d.format());
                err.flush();
                throw new UserError(policy + " has errors; not formatted");
            }
            case Eim.Formatted.Text t -> {
                if (check) {
                    String now;
                    try {
                        now = Files.readString(policy, StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UserError("cannot read " + policy + ": " + FileProblems.why(e));
                    }
                    if (now.equals(t.text())) yield 0;
                    throw new UserError(policy + " is not in canonical form (warden fmt -w " + policy + " rewrites it)");
                }
                if (write) {
                    try {
                        Files.writeString(policy, t.text(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UserError("cannot write " + policy + ": " + e.getMessage());
                    }
                } else {
                    out.print(t.text());
                    out.flush();
                }
                yield 0;
            }
        };
    }
}
