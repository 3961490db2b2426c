package dev.warden.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code warden} command. Each subcommand is its own class in this package; add it to
 * {@code subcommands} below. User errors are printed as located messages with exit status 1
 * (see {@link UserError}), an exhausted Java heap as a message with status 2 ({@link OutOfMemory});
 * a stack trace means a bug in Warden.
 */
@Command(
    name = "warden",
    mixinStandardHelpOptions = true,
    versionProvider = Warden.Version.class,
    description = "A formal-methods-first eBPF verifier, extension-policy checker and runtime.",
    subcommands = {
        CommandLine.HelpCommand.class,
        // Each area adds its commands between its own two marker lines (keeps merges clean).
        // -- foundation (isa, runtime) --
        ConformancePluginCommand.class,
        ExecCommand.class,
        KernelDiffCommand.class,
        DisasmCommand.class,
        // -- end foundation --
        // -- domains --
        ProveDomainsCommand.class,
        // -- end domains --
        // -- eim --
        CheckCommand.class,
        DiffCommand.class,
        FmtCommand.class,
        // -- end eim --
        // -- verifier --
        VerifyCommand.class,
        // -- end verifier --
        // -- jit --
        // -- end jit --
        // -- mpk --
        DoctorCommand.class,
        // -- end mpk --
        // -- fuzz --
        FuzzVerifyCommand.class,
        // -- end fuzz --
    })
public final class Warden implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status; used by tests. */
    public static int run(String... args) {
        return OutOfMemory.guard(() -> execute(args), new java.io.PrintWriter(System.err, true));
    }

    private static int execute(String... args) {
        CommandLine cl = new CommandLine(new Warden());
        // "@FILE" is Warden's own syntax (exec --mem @FILE), not picocli's argument files.
        cl.setExpandAtFiles(false);
        cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, CommandSummaries::render);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof UserError ue) {
                cmd.getErr().println("warden: " + ue.getMessage());
                return ue.exitCode();
            }
            throw ex;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reports the version recorded in the jar, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Warden.class.getPackage().getImplementationVersion();
            return new String[] {
                "warden " + (v == null ? "dev" : v),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
            };
        }
    }
}
