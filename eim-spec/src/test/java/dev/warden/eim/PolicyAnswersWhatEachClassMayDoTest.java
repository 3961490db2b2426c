package dev.warden.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Policy API: classes at an entry, and each class's grants resolved to byte ranges and limits. */
class PolicyAnswersWhatEachClassMayDoTest {

    private static Policy nginx() {
        ParseResult r = Eim.parse(TestFiles.corpusPolicies().resolve("nginx-firewall.eim"));
        return r.policy().orElseThrow(() -> new AssertionError(r.diagnostics()));
    }

    @Test
    void classesAtAnEntryInDeclarationOrder() {
        assertEquals(List.of("observeProcessBegin", "firewall"),
                nginx().classesAt("processBegin").stream().map(Declaration.ExtensionClass::name).toList());
        assertEquals(List.of(), nginx().classesAt("noSuchEntry"));
    }

    @Test
    void argumentAccessesAreExactByteRangesWithCLayout() {
        // struct Request { u32 method; u32 uri_len; char uri[256]; u64 content_length; u32 client_addr; int status; }
        // offsets 0, 4, 8, 264 (aligned to 8), 272, 276; size 280.
        Grants g = nginx().grants("firewall").orElseThrow();
        assertEquals(List.of(new Region("r", 0, 280), new Region("r", 276, 4)),
                g.arguments().stream().map(Grants.ArgumentGrant::region).toList());
        assertEquals(List.of(AccessOp.READ, AccessOp.WRITE),
                g.arguments().stream().map(a -> a.access().op()).toList());
    }

    @Test
    void limitsKeepTheirOperatorAndCompareByMeaning() {
        Grants g = nginx().grants("firewall").orElseThrow();
        assertEquals(new Limits(Bound.below(100000), Bound.below(4096), Bound.atMost(512)), g.limits());
        Bound stack = g.limits().stack();
        assertEquals(513, ((Bound.Finite) stack).exclusive());
        assertTrue(stack.allowsSameAs(Bound.below(513)));
        assertFalse(stack.allowsSameAs(Bound.below(512)));
        assertTrue(Bound.below(512).within(stack));
        assertFalse(Bound.below(514).within(stack));
        assertTrue(stack.within(Bound.NONE));
        assertFalse(Bound.NONE.within(stack));
        assertEquals(Limits.NONE, nginx().grants("observeProcessBegin").orElseThrow().limits());
    }

    @Test
    void functionsAndStateAreResolved() {
        Grants g = nginx().grants("firewall").orElseThrow();
        assertEquals(List.of("nginxTime", "logLine", "reject"),
                g.functions().stream().map(Declaration.FunctionCapability::name).toList());
        assertEquals(new Binding.HostFunction("nginxTime"), g.functions().getFirst().target());
        assertEquals(List.of(new Region("&ngx_pid", 0, 4), new Region("&ngx_requests_total", 0, 8)),
                g.state().stream().map(Grants.StateGrant::region).toList());
    }

    @Test
    void nestedFieldsThroughPointersMoveToTheirObject() {
        String src = """
                struct Header { u32 len; char name[30]; };
                struct Request { u8 method; Header *hdr; Header first; };
                Extension_Entry(name = "e", extension_entry = "h", prototype = (Request *r) -> int)
                Extension_Class(name = "c", extension_entry = "e", allowed = { read(r->hdr->name), write(r->first.name), read(r->hdr) })
                """;
        ParseResult r = Eim.parse("nested.eim", src, Path.of("."));
        assertTrue(r.diagnostics().isEmpty(), r.diagnostics().toString());
        // Header: len @0, name @4..34, size 36 (align 4). Request: method @0, hdr @8, first @16; size 52 -> 56.
        Grants g = r.policy().orElseThrow().grants("c").orElseThrow();
        assertEquals(List.of(new Region("r->hdr", 4, 30), new Region("r", 20, 30), new Region("r", 8, 8)),
                g.arguments().stream().map(Grants.ArgumentGrant::region).toList());
        assertEquals(56, r.policy().orElseThrow().types().layout().sizeOf(new CType.Named("Request")));
    }
}
