package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.ExecResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Extensions.load} with an EIM class as the verification policy: parse, verify against the class, JIT, attach. */
class EimClassPolicyLoadsExtensionsTest {
    /** A parameterless entry that must return 0 or 1, and a class that grants ktime (helper 5) and 64 bytes of stack. */
    static final String TICKER = """
            Function_Capability(name = "ktimeGetNs", helper = 5, prototype = (void) -> u64)
            Extension_Entry(name = "tick", extension_entry = "tick", prototype = (void) -> int, constraints = { rtn in [0, 1] })
            Extension_Class(name = "ticker", extension_entry = "tick", allowed = { ktimeGetNs, stack <= 64 })
            """;

    @TempDir
    Path dir;

    Path policy(String text) throws Exception {
        Path p = dir.resolve("ticker.eim");
        Files.writeString(p, text);
        return p;
    }

    static BpfObject object(String name, String asm) throws Exception {
        return new BpfObject(List.of(), List.of(new BpfProgram(name, "eim/tick", Assembler.assemble(asm), List.of(), List.of(), List.of())),
                List.of(), "GPL");
    }

    static ExtensionSpec spec(String program) {
        return ExtensionSpec.of().withEntry(new EntryPoint("tick", program, LinuxProgramType.XDP)).withCpus(1);
    }

    @Test
    void aProgramTheClassAllowsIsVerifiedCompiledAndRuns() throws Exception {
        EimClassPolicy ticker = EimClassPolicy.forClass(policy(TICKER), "ticker");
        assertEquals("ticker", ticker.className());
        assertEquals("tick", ticker.entryName());
        // ktime is granted; r0 = (ktime & 1) is in [0, 1] as the entry requires; 8 bytes of stack.
        BpfObject o = object("odd_tick", """
                call 5
                *(u64 *)(r10 - 8) = r0
                r0 = *(u64 *)(r10 - 8)
                r0 &= 1
                exit
                """);
        try (Extension ext = Extensions.load(o, "tick.o", spec("odd_tick"), ticker)) {
            for (int i = 0; i < 4; i++) {
                long r0 = assertInstanceOf(ExecResult.Returned.class, ext.invoke("tick", new byte[0])).r0();
                assertTrue(r0 == 0 || r0 == 1, "r0 = " + r0);
            }
        }
    }

    @Test
    void whatTheClassDoesNotGrantIsALoadErrorInThePolicysWords() throws Exception {
        EimClassPolicy ticker = EimClassPolicy.forClass(policy(TICKER), "ticker");
        LoadException rtn = assertThrows(LoadException.class, () -> Extensions.load(object("two", "r0 = 2\nexit\n"), "two.o",
                spec("two"), ticker));
        assertEquals(1, rtn.errors().size(), rtn.getMessage());
        assertTrue(rtn.errors().getFirst().startsWith("two.o: program two pc 1"), rtn.getMessage());
        assertTrue(rtn.getMessage().contains("rtn = 2") && rtn.getMessage().contains("'tick'"), rtn.getMessage());

        // helper 14 (get_current_pid_tgid) is a Linux helper, but the class does not grant it.
        LoadException helper = assertThrows(LoadException.class, () -> Extensions.load(object("pid", "call 14\nr0 = 0\nexit\n"),
                "pid.o", spec("pid"), ticker));
        assertTrue(helper.getMessage().startsWith("pid.o: program pid pc 0"), helper.getMessage());
        assertTrue(helper.getMessage().contains("ticker"), helper.getMessage());

        LoadException stack = assertThrows(LoadException.class, () -> Extensions.load(object("deep", """
                r1 = 0
                *(u64 *)(r10 - 128) = r1
                r0 = 0
                exit
                """), "deep.o", spec("deep"), ticker));
        assertTrue(stack.getMessage().contains("stack <= 64"), stack.getMessage());
    }

    @Test
    void badPoliciesUnknownClassesAndMissingFilesAreLocatedErrors() throws Exception {
        LoadException missing = assertThrows(LoadException.class, () -> EimClassPolicy.forClass(dir.resolve("none.eim"), "c"));
        assertEquals(List.of(dir.resolve("none.eim") + ": no such file"), missing.errors());
        LoadException unknown = assertThrows(LoadException.class, () -> EimClassPolicy.forClass(policy(TICKER), "nope"));
        assertTrue(unknown.getMessage().startsWith(dir.resolve("ticker.eim") + ": ") && unknown.getMessage().contains("nope"),
                unknown.getMessage());
        LoadException broken = assertThrows(LoadException.class, () -> EimClassPolicy.forClass(
                policy(TICKER + "Extension_Class(name = \"bad\", extension_entry = \"nowhere\", allowed = { })\n"), "ticker"));
        assertTrue(broken.getMessage().contains("ticker.eim:4"), broken.getMessage());
    }

    @Test
    void anEntryTakingAStructByValueIsRefusedForNoRegisterHoldsIt() throws Exception {
        LoadException e = assertThrows(LoadException.class, () -> EimClassPolicy.forClass(policy("""
                struct Pair { u64 a; u64 b; };
                Extension_Entry(name = "e", extension_entry = "e", prototype = (Pair p) -> int)
                Extension_Class(name = "c", extension_entry = "e", allowed = { })
                """), "c"));
        assertTrue(e.getMessage().contains("class c: parameter p of entry e") && e.getMessage().contains("passed by value"),
                e.getMessage());
    }

    @Test
    void hostFunctionsAndVariablesTheSpecDoesNotBindAreLocatedLoadErrors() throws Exception {
        Path redis = Path.of("..", "corpus", "policies", "redis-durability.eim");
        EimClassPolicy tuner = EimClassPolicy.forClass(redis, "durabilityTuner");
        LoadException e = assertThrows(LoadException.class, () -> Extensions.load(Path.of("..", "corpus", "eim", "redis_tuner.o"),
                spec("tune"), tuner));
        // tune() calls mstime and serverLogRaw (kfuncs) and reads and writes server (a host variable):
        // the class grants all of it, and the spec binds none of it.
        assertTrue(e.errors().stream().allMatch(m -> m.startsWith("../corpus/eim/redis_tuner.o: program tune pc ")), e.getMessage());
        assertTrue(e.errors().stream().anyMatch(m -> m.contains("calls host function mstime, which the spec does not bind")),
                e.getMessage());
        assertTrue(e.errors().stream().anyMatch(m -> m.contains("calls host function serverLogRaw, which the spec does not bind")),
                e.getMessage());
        assertTrue(e.errors().stream().anyMatch(m -> m.contains("refers to host variable server, which the spec does not expose")),
                e.getMessage());
    }

    @Test
    void aBindingWhoseNameIsMisspeltIsNamedInTheError() throws Exception {
        Path redis = Path.of("..", "corpus", "policies", "redis-durability.eim");
        EimClassPolicy tuner = EimClassPolicy.forClass(redis, "durabilityTuner");
        ExtensionSpec typos = spec("tune")
                .withFunction("msTime", (mem, r1, r2, r3, r4, r5) -> 1)
                .withFunction("serverLogRaw", (mem, r1, r2, r3, r4, r5) -> 0)
                .withState("sever", java.lang.foreign.Arena.ofAuto().allocate(4096), dev.warden.vm.Access.READ_WRITE);
        LoadException e = assertThrows(LoadException.class, () -> Extensions.load(Path.of("..", "corpus", "eim", "redis_tuner.o"),
                typos, tuner));
        assertTrue(e.errors().stream().anyMatch(m -> m.contains("calls host function mstime, which the spec does not bind"
                + " (ExtensionSpec.withFunction(\"mstime\", ...)); the spec binds \"msTime\": a misspelling?")), e.getMessage());
        assertTrue(e.errors().stream().anyMatch(m -> m.contains("refers to host variable server, which the spec does not expose"
                + " (ExtensionSpec.withState(\"server\", segment, access)); the spec binds \"sever\": a misspelling?")), e.getMessage());
        assertTrue(e.errors().stream().noneMatch(m -> m.contains("serverLogRaw")), e.getMessage());
    }

    @Test
    void theHostReadsThePolicysLayoutsInsteadOfCopyingOffsets() throws Exception {
        EimClassPolicy c = EimClassPolicy.forClass(policy("""
                struct Access { u64 key_hash; u32 size; u32 op; u8 flag; u32 version; };
                struct Config { u8 on; Access last; };
                Extension_Entry(name = "e", extension_entry = "e", prototype = (Access *a) -> int)
                Extension_Class(name = "c", extension_entry = "e", allowed = { read(a) })
                """), "c");
        dev.warden.eim.Layout.StructLayout access = c.layout("Access").orElseThrow();
        assertEquals(24, access.size());
        assertEquals(8, access.alignment());
        assertEquals(java.util.Map.of("key_hash", 0L, "size", 8L, "op", 12L, "flag", 16L, "version", 20L), access.offsets());
        assertEquals(java.util.Map.of("on", 0L, "last", 8L), c.layout("Config").orElseThrow().offsets(), "a struct the class does not use");
        assertEquals(32, c.layout("Config").orElseThrow().size());
        assertEquals(java.util.Optional.empty(), c.layout("Nope"));
        assertEquals(java.util.Optional.empty(), c.layout("u32"), "a scalar is not a struct");
    }
}
