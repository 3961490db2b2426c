package dev.warden.isa.asm;

import static org.junit.jupiter.api.Assertions.*;

import dev.warden.isa.Decoder;
import dev.warden.isa.Program;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disassembler prints what {@code llvm-objdump -d} prints for a clang-compiled object, and
 * the assembler reads llvm-objdump's text (with its {@code <LBB0_2>} annotations) back to the
 * object's bytes. Skipped where clang or llvm-objdump is not installed.
 */
class DisassemblerAgreesWithLlvmObjdumpTest {

    /** {@code      12:\t bf 61 00 ...\t r1 = r6}: pc, bytes, text. */
    private static final Pattern LINE = Pattern.compile("^\\s*(\\d+):\\t([0-9a-f ]+?)\\s*\\t(.*)$");

    record Line(int pc, String hex, String text) {}

    @Test
    void printsTheSameTextAsLlvmObjdumpAndReadsItBack(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("objdump-sample.c");
        try (InputStream in = getClass().getResourceAsStream("objdump-sample.c")) {
            Files.write(source, in.readAllBytes());
        }
        Path object = dir.resolve("sample.o");
        run(dir, "clang", "-O2", "-target", "bpf", "-mcpu=v3", "-c", source.toString(), "-o", object.toString());
        String dump = objdump(dir, object);

        List<Line> lines = new ArrayList<>();
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        for (String l : dump.split("\n")) {
            Matcher m = LINE.matcher(l);
            if (m.matches()) {
                lines.add(new Line(Integer.parseInt(m.group(1)), m.group(2), m.group(3).strip()));
                code.writeBytes(HexFormat.of().parseHex(m.group(2).replace(" ", "")));
            }
        }
        assertTrue(lines.size() > 50, "expected the sample's instructions in:\n" + dump);

        Program p = Decoder.decode(code.toByteArray());
        List<String> differences = new ArrayList<>();
        for (Line l : lines) {
            String llvm = l.text().replaceAll("\\s+<[^<>\\s]*>$", "");
            String ours = Disassembler.format(l.pc(), p.at(l.pc()));
            if (!ours.equals(llvm)) {
                differences.add(l.pc() + ": llvm-objdump '" + llvm + "', ours '" + ours + "'");
            }
        }
        assertTrue(differences.isEmpty(), String.join("\n", differences));

        StringBuilder text = new StringBuilder();
        lines.forEach(l -> text.append(l.text()).append('\n'));
        assertArrayEquals(code.toByteArray(), Assembler.assemble(text.toString()).encode());
    }

    private static String objdump(Path dir, Path object) throws Exception {
        for (String tool : List.of("llvm-objdump", "llvm-objdump-14", "llvm-objdump-15", "llvm-objdump-16")) {
            String out = tryRun(dir, tool, "-d", object.toString());
            if (out != null) {
                return out;
            }
        }
        Assumptions.abort("llvm-objdump is not installed");
        throw new AssertionError("unreachable");
    }

    private static void run(Path dir, String... command) throws Exception {
        if (tryRun(dir, command) == null) {
            Assumptions.abort(command[0] + " is not installed or cannot compile for the bpf target");
        }
    }

    /** The command's output, or null if it cannot be started or fails. */
    private static String tryRun(Path dir, String... command) throws Exception {
        Process proc;
        try {
            proc = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            return null;
        }
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!proc.waitFor(60, TimeUnit.SECONDS) || proc.exitValue() != 0) {
            proc.destroyForcibly();
            return null;
        }
        return out;
    }
}
