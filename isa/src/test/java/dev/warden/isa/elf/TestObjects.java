package dev.warden.isa.elf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The clang-compiled test objects under {@code src/test/resources/elf/} (rebuilt by its {@code build.sh}). */
final class TestObjects {
    private TestObjects() {}

    static final List<String> ALL = List.of("btf_maps", "legacy_maps", "global_data", "subprog", "loop", "externs");

    static byte[] bytes(String name) {
        try (InputStream in = TestObjects.class.getResourceAsStream("/elf/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource elf/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] object(String name) {
        return bytes(name + ".o");
    }

    static List<String> sourceLines(String name) {
        return new String(bytes(name + ".c"), StandardCharsets.UTF_8).lines().toList();
    }

    static BpfObject read(String name) {
        try {
            return ElfReader.read(object(name));
        } catch (ElfFormatException e) {
            throw new AssertionError("test object " + name + ".o does not read: " + e.getMessage(), e);
        }
    }
}
