package dev.warden.cli;

import dev.warden.isa.Program;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * The bpf_conformance plugin protocol. The runner starts {@code PLUGIN [HEX_MEMORY] [OPTIONS]
 * [--elf]}, writes the program (or, with {@code --elf}, an ELF object) as hex bytes on stdin,
 * and reads r0 in hex from stdout; an error is a non-zero exit with its message (the runner
 * compares it with the test's {@code -- error} text; it reads stdout, or stderr when stdout is
 * empty, so the message goes to stderr only).
 *
 * <p>Runner versions differ in how they pass arguments: the memory as one argument of
 * space-separated bytes (or an empty argument when there is none), and the options as separate
 * arguments or as one. So every argument is split on white space and each token is classified:
 * {@code --...} is an option, anything else a memory byte. Options may come before or after the
 * memory.
 */
@Command(name = "conformance-plugin", mixinStandardHelpOptions = true,
        description = {"Runs one program by the bpf_conformance plugin protocol: memory as hex in the arguments,",
                "the program as hex bytes on stdin; prints r0 in hex."},
        footer = {"Options: --jit (run through the JIT engine), --elf (stdin is an ELF object, hex-encoded)."})
public final class ConformancePluginCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "HEX_MEMORY|OPTION",
            description = "memory bytes in hex (one or many arguments), and the options --jit, --elf")
    List<String> arguments = new ArrayList<>();

    @Unmatched List<String> unmatched = new ArrayList<>();

    private final InputStream in;

    public ConformancePluginCommand() {
        this(System.in);
    }

    ConformancePluginCommand(InputStream in) {
        this.in = in;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            boolean elf = false;
            String engine = "interp";
            StringBuilder memory = new StringBuilder();
            List<String> tokens = new ArrayList<>();
            for (String a : arguments) {
                tokens.addAll(List.of(a.trim().split("\\s+")));
            }
            for (String a : unmatched) {
                tokens.addAll(List.of(a.trim().split("\\s+")));
            }
            for (int i = 0; i < tokens.size(); i++) {
                String t = tokens.get(i);
                switch (t) {
                    case "" -> { }
                    case "--jit" -> engine = "jit";
                    case "--elf" -> elf = true;
                    default -> {
                        if (t.startsWith("--")) {
                            throw new UserError("unknown option " + t + " (expected --jit or --elf)");
                        }
                        memory.append(t).append(' ');
                    }
                }
            }
            byte[] mem = ProgramInputs.hex("memory argument", memory.toString());
            byte[] code = ProgramInputs.hex("program on stdin", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            if (code.length == 0) {
                throw new UserError("no program on stdin");
            }
            Program program = elf
                    ? ProgramInputs.fromElf("program on stdin", code, Optional.empty())
                    : ProgramInputs.decode("program on stdin", code);
            ExecResult r;
            try {
                r = ProgramInputs.engine(engine).execute(program, mem, ExecOptions.defaults());
            } catch (dev.warden.vm.ProgramRefusedException refused) {
                throw new UserError("program on stdin: " + refused.getMessage());
            }
            return switch (r) {
                case ExecResult.Returned ret -> {
                    out.println("0x" + Long.toHexString(ret.r0()));
                    out.flush();
                    yield 0;
                }
                case ExecResult.Faulted f -> {
                    err.println(f.fault());
                    err.flush();
                    yield 1;
                }
            };
        } catch (UserError e) {
            err.println(e.getMessage());
            err.flush();
            return e.exitCode();
        } catch (IOException e) {
            err.println("cannot read stdin: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
