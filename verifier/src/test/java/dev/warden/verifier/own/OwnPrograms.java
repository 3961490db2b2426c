package dev.warden.verifier.own;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfFormatException;
import dev.warden.isa.elf.ElfReader;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/** Finds the C test programs ({@code verifier/src/test/c}) and verifies their objects. */
public final class OwnPrograms {
    private OwnPrograms() {}

    /** The folder of the sources and objects, from the module directory or the repository root. */
    public static Path dir() {
        for (Path p : List.of(Path.of("src/test/c"), Path.of("verifier/src/test/c"))) {
            if (Files.isRegularFile(p.resolve("bpf_test.h"))) {
                return p;
            }
        }
        throw new AssertionError("verifier/src/test/c not found from " + Path.of("").toAbsolutePath());
    }

    /** Every C source that defines programs, sorted by name (headers excluded). */
    public static List<Path> sources() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".c")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The object beside {@code source} in {@code folder} ({@code x.c} gives {@code folder/x.o}). */
    public static Path object(Path folder, Path source) {
        String name = source.getFileName().toString();
        return folder.resolve(name.substring(0, name.length() - 2) + ".o");
    }

    public static BpfObject read(Path object) throws IOException, ElfFormatException {
        return ElfReader.read(Files.readAllBytes(object));
    }

    /**
     * Verifies one program with the Linux platform's defaults (type from the section, privileged).
     * Until the analysis is merged, {@link Verifier#verify} throws UnsupportedOperationException:
     * the test is then reported as skipped, not passed.
     */
    public static VerificationResult verify(BpfObject object, BpfProgram program) {
        try {
            return Verifier.verify(object, program, VerifierOptions.linux());
        } catch (UnsupportedOperationException e) {
            Assumptions.abort("the verifier cannot run yet: " + e.getMessage());
            throw e;
        }
    }
}
