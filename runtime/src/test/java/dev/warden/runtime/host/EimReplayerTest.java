package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.verifier.ObligationKind;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.Violation;
import dev.warden.verifier.WitnessStatus;
import dev.warden.verifier.Witnesses;
import dev.warden.verifier.eim.EimPlatform;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The EIM replay judges by running: an index read from host memory the host fills is a real
 * violation and is shown; the same index written by the extension itself just before it reads it
 * back is safe, and the verifier's alarm (it does not follow values through host memory) stays
 * unconfirmed, even with the Z3 model's bytes.
 */
class EimReplayerTest {
    static final String POLICY = """
            struct Msg { u32 len; u8 body[16]; };
            Extension_Entry(name = "e", extension_entry = "hook", prototype = (Msg *m) -> u64)
            Extension_Class(name = "reader", extension_entry = "e", allowed = { read(m), write(m->len) })
            """;

    static EimPlatform platform() {
        ParseResult parsed = Eim.parse("t.eim", POLICY, Path.of("."));
        assertTrue(!parsed.hasErrors(), parsed.diagnostics().toString());
        return ((EimPlatform.Built.Ok) EimPlatform.forClass(parsed, "reader")).platform();
    }

    static Violation replayed(String asm) throws Exception {
        EimPlatform eim = platform();
        BpfProgram p = new BpfProgram("p", "eim/e", Assembler.assemble(asm), List.of(), List.of(), List.of());
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(), "GPL");
        VerificationResult r = Witnesses.confirmEim(Verifier.verify(o, p, VerifierOptions.linux(), eim), o, p, eim,
                EimReplayer.defaults());
        VerificationResult.Rejected rej = assertInstanceOf(VerificationResult.Rejected.class, r);
        assertEquals(1, rej.violations().size(), rej.violations().toString());
        Violation v = rej.violations().getFirst();
        assertEquals(ObligationKind.VALID_ACCESS, v.kind(), v.toString());
        return v;
    }

    @Test
    void anIndexTheHostFillsIsShownOutOfItsObject() throws Exception {
        Violation v = replayed("""
                r2 = *(u32 *)(r1 + 0)
                r3 = r1
                r3 += 4
                r3 += r2
                r0 = *(u8 *)(r3 + 0)
                exit
                """);
        assertEquals(4, v.pc());
        assertEquals(WitnessStatus.CONFIRMED, v.witness(), v.toString());
        assertTrue(v.witnessInput().orElseThrow().contains("OUT_OF_BOUNDS"), v.witnessInput().get());
    }

    @Test
    void aCallThroughARegisterIsNotReplayedAndSaysWhy() throws Exception {
        BpfProgram p = new BpfProgram("p", "eim/e", Assembler.assemble("r2 = 5\ncallx r2\nr0 = 0\nexit\n"), List.of(), List.of(), List.of());
        BpfObject o = new BpfObject(List.of(), List.of(p), List.of(), "GPL");
        assertEquals("pc 1 calls through a register, which the replay does not follow",
                EimReplayer.defaults().unsupported(o, p, platform()).orElseThrow());
    }

    @Test
    void anIndexTheExtensionWroteItselfIsAFalseAlarmNotConfirmed() throws Exception {
        Violation v = replayed("""
                r2 = 3
                *(u32 *)(r1 + 0) = r2
                r2 = *(u32 *)(r1 + 0)
                r3 = r1
                r3 += 4
                r3 += r2
                r0 = *(u8 *)(r3 + 0)
                exit
                """);
        assertEquals(6, v.pc());
        assertEquals(WitnessStatus.NOT_CONFIRMED, v.witness(), v.toString());
    }
}
