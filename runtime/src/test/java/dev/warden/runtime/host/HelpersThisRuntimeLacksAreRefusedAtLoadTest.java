package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.ProvidedHelpers;
import dev.warden.verifier.platform.Platform;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A program the verifier accepts but that calls a helper the runtime's Linux table does not define
 * is refused when it is loaded, with the pc and the helper's name, instead of faulting
 * {@code UNKNOWN_HELPER} in some later run; the set of provided helpers is the table's own.
 */
class HelpersThisRuntimeLacksAreRefusedAtLoadTest {
    /** tc helpers that take only the context, which this runtime may or may not provide: the first it lacks is used. */
    private static final int[] CONTEXT_ONLY_TC_HELPERS = {97, 151, 122};

    private static BpfObject tcObject(String asm) throws Exception {
        BpfProgram p = new BpfProgram("classify", "tc", Assembler.assemble(asm), List.of(), List.of(), List.of());
        return new BpfObject(List.of(), List.of(p), List.of(), "GPL");
    }

    private static ExtensionSpec spec() {
        return ExtensionSpec.of().withEntry(new EntryPoint("classify", "classify", LinuxProgramType.TC));
    }

    @Test
    void aCallOfAHelperTheRuntimeLacksIsRefusedWithItsPcAndName() throws Exception {
        int id = IntStream.of(CONTEXT_ONLY_TC_HELPERS).filter(h -> !ProvidedHelpers.provides(h)).findFirst()
                .orElseThrow(() -> new AssertionError("every candidate is provided now: pick others"));
        String name = "bpf_" + Platform.linux().helper(id).orElseThrow().name();
        BpfObject o = tcObject("r6 = r1\nr0 = 0\nr1 = r6\ncall " + id + "\nr0 = 0\nexit\n");
        LoadException e = assertThrows(LoadException.class, () -> Extensions.load(o, "lacks.o", spec(), VerificationPolicy.linux()));
        assertEquals(List.of("lacks.o: program classify pc 3: calls " + name + " (id " + id + "), which this runtime does not provide"
                + " (it provides " + ProvidedHelpers.byId().size() + " of Linux's helpers: docs/runtime.md)"), e.errors());
    }

    @Test
    void providedHelpersLoad() throws Exception {
        // bpf_skb_change_tail (38) and bpf_l3_csum_replace (10): packet helpers this runtime provides.
        BpfObject o = tcObject("r6 = r1\nr2 = 20\nr3 = 0\ncall 38\nr1 = r6\nr2 = 0\nr3 = 0\nr4 = 0\nr5 = 0\ncall 10\nr0 = 0\nexit\n");
        try (Extension ext = Extensions.load(o, "provided.o", spec(), VerificationPolicy.linux())) {
            assertEquals(0, ExtensionLoadsVerifiesAndRunsTest.r0(ext.invoke("classify", new byte[60])));
        }
    }

    @Test
    void theProvidedSetIsTheTablesAndNamesLinuxsHelpers() {
        assertTrue(ProvidedHelpers.byId().keySet().containsAll(List.of(1, 9, 10, 11, 28, 38, 43, 44, 50, 65, 69, 163, 190)));
        ProvidedHelpers.byId().forEach((id, name) -> assertEquals(Platform.linux().helper(id).orElseThrow().name(), name,
                "helper " + id + " is named as the verifier's platform names it"));
    }
}
