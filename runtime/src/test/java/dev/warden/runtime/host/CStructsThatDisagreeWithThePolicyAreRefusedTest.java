package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.Access;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An extension whose C declares a struct of the policy with its fields elsewhere verifies (every
 * access is checked against the policy's layout) but would read other fields than it names: the
 * host API refuses it at load with one line per struct, by the object's BTF. The kv-cache policy
 * and a C twin of its cachePolicy with struct Access's fields reordered; the example's own objects
 * load (KvCacheExampleAdmitsEvictsAndReloadsTest).
 */
class CStructsThatDisagreeWithThePolicyAreRefusedTest {
    static final Path EIM = Path.of("..", "examples", "kv-cache", "kv-cache.eim");

    static final String REORDERED = """
            #define SEC(name) __attribute__((section(name), used))
            #define __ksym __attribute__((section(".ksyms")))
            typedef unsigned int u32;
            typedef unsigned long long u64;
            struct Access { u32 op; u32 size; u64 key_hash; u32 version; u32 reserved; };
            struct CacheConfig { u64 capacity_bytes; u32 max_item_size; u32 reserved; };
            extern struct CacheConfig cache_config __ksym;
            SEC("eim/onAccess")
            int on_access(struct Access *a)
            {
            	a->version = 1;
            	return a->op == 2 && a->size > cache_config.max_item_size;
            }
            """;

    @Test
    void aReorderedStructIsALocatedLoadError(@TempDir Path dir) throws Exception {
        Path object = clang(dir, "reordered", REORDERED);
        LoadException e = assertThrows(LoadException.class, () -> load(object));
        assertEquals(List.of(object + ": struct Access in the object's C differs from the policy's (" + EIM + "): key_hash at offset 8,"
                + " the policy's at 0; size at offset 4, the policy's at 8; op at offset 0, the policy's at 12. The verifier checked the"
                + " extension's accesses against the policy's layout and the host lays the struct out by it, so the extension would"
                + " read other fields than it names; declare the struct in C as the policy does"), e.errors());
    }

    @Test
    void aMissingFieldAndAnotherSizeAreNamed(@TempDir Path dir) throws Exception {
        Path object = clang(dir, "short", REORDERED.replace("u32 version; u32 reserved; }", "u32 version; }")
                .replace("u32 max_item_size; u32 reserved; }", "u64 max_item_size; }"));
        LoadException e = assertThrows(LoadException.class, () -> load(object));
        assertEquals(2, e.errors().size(), e.getMessage());
        assertEquals(true, e.errors().get(0).contains("no field reserved (the policy's is at offset 20)"), e.getMessage());
        assertEquals(true, e.errors().get(1).startsWith(object + ": struct CacheConfig in the object's C differs from the policy's"), e.getMessage());
    }

    @Test
    void aHostFunctionDeclaredWithAnotherPrototypeIsALocatedLoadError(@TempDir Path dir) throws Exception {
        String source = REORDERED.replace("u32 op; u32 size; u64 key_hash;", "u64 key_hash; u32 size; u32 op;")
                .replace("extern struct CacheConfig cache_config __ksym;",
                        "extern struct CacheConfig cache_config __ksym;\nextern u32 host_now_millis(u64 since) __ksym;")
                .replace("\ta->version = 1;", "\ta->version = host_now_millis(3);");
        Path object = clang(dir, "proto", source);
        LoadException e = assertThrows(LoadException.class, () -> load(object));
        assertEquals(List.of(object + ": host function host_now_millis is declared in the object's C otherwise than in the policy (" + EIM
                + "): takes 1 arguments, the policy's 0; returns 4 bytes, the policy's 8 bytes. The verifier assumed the policy's"
                + " prototype at each call; declare it in C as the policy does"), e.errors());
    }

    @Test
    void theSameStructsLoad(@TempDir Path dir) throws Exception {
        Path object = clang(dir, "same", REORDERED.replace("u32 op; u32 size; u64 key_hash;", "u64 key_hash; u32 size; u32 op;"));
        load(object).close();
    }

    static Extension load(Path object) throws Exception {
        ExtensionSpec spec = ExtensionSpec.of()
                .withEntry(new EntryPoint("onAccess", "on_access", LinuxProgramType.XDP))
                .withState("cache_config", Arena.global().allocate(16, 8), Access.READ_ONLY)
                .withFunction("host_now_millis", (mem, r1, r2, r3, r4, r5) -> 1)
                .withCpus(1);
        return Extensions.load(object, spec, EimClassPolicy.forClass(EIM, "cachePolicy"));
    }

    /** Compiles {@code source} with clang -target bpf (the test is skipped where clang is not on the PATH). */
    static Path clang(Path dir, String name, String source) throws Exception {
        Path c = dir.resolve(name + ".c");
        Path o = dir.resolve(name + ".o");
        Files.writeString(c, source);
        Process p;
        try {
            p = new ProcessBuilder("clang", "-O2", "-g", "-target", "bpf", "-c", c.toString(), "-o", o.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "clang is not on PATH: " + e.getMessage());
            throw e;
        }
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "clang did not finish");
        assertEquals(0, p.exitValue(), "clang failed:\n" + log);
        return o;
    }
}
