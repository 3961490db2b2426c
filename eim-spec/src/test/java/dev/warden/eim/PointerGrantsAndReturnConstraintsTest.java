package dev.warden.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * Grants through pointers ({@code *r->hdr}: the whole object; {@code r->body[0, r->len)}: a
 * buffer whose length is known at run time) and constraints on the extension's return value.
 */
class PointerGrantsAndReturnConstraintsTest {

    private static final String TYPES = """
            struct Header { u32 len; char name[30]; };
            struct Str { u8 *data; u64 len; };
            struct Request { u32 uri_len; char uri[256]; Header *hdr; Str body; u32 *words; u32 nwords; void *raw; };
            """;

    private static ParseResult parse(String src) {
        return Eim.parse("p.eim", TYPES + src, java.nio.file.Path.of("."));
    }

    private static Grants grants(String allowed) {
        ParseResult r = parse("Extension_Entry(name = \"e\", extension_entry = \"h\", prototype = (Request *r, u32 n) -> int)\n"
                + "Extension_Class(name = \"c\", extension_entry = \"e\", allowed = { " + allowed + " })\n");
        return r.policy().orElseThrow(() -> new AssertionError(r.diagnostics().stream().map(Diagnostic::format).toList()))
                .grants("c").orElseThrow();
    }

    private static Expr ref(String root, String... fields) {
        List<Path.Step> steps = new java.util.ArrayList<>();
        for (int i = 0; i < fields.length; i++) {
            steps.add(new Path.Step(i == 0 ? Path.Selector.ARROW : Path.Selector.DOT, fields[i]));
        }
        return new Expr.Ref(new Path(root, steps));
    }

    @Test
    void aDereferenceGrantsTheWholeObjectBehindAPointerField() {
        // Header: len @0, name @4..34, size 36. Request: uri_len @0, uri @4..260, hdr @264, body @272 (16), words @288,
        // nwords @296, raw @304; size 312.
        Grants g = grants("read(*r->hdr), write(*r->body.data), read(*r)");
        assertEquals(List.of(new Region("r->hdr", 0, 36), new Region("r->body.data", 0, 1), new Region("r", 0, 312)),
                g.arguments().stream().map(Grants.ArgumentGrant::region).toList());
        assertEquals("read(*r->hdr)", g.arguments().getFirst().access().toString());
    }

    @Test
    void aSliceWithRunTimeBoundsIsASpanOverTheArgumentNames() {
        Grants g = grants("read(r->body.data[0, r->body.len)), write(r->words[1, r->nwords)), read(r->uri[0, r->uri_len)), read(r->raw[0, n))");
        Expr zero = new Expr.IntLit(BigInteger.ZERO);
        assertEquals(new Span.Slice("r->body.data", 0, 1, zero, ref("r", "body", "len"), "r->body.data", OptionalLong.empty()),
                g.arguments().get(0).span());
        assertEquals(new Span.Slice("r->words", 0, 4, new Expr.IntLit(BigInteger.ONE), ref("r", "nwords"), "r->words", OptionalLong.empty()),
                g.arguments().get(1).span());
        // A slice of an array stays in the array's object, cut at its 256 elements.
        assertEquals(new Span.Slice("r", 4, 1, zero, ref("r", "uri_len"), "r->uri", OptionalLong.of(256)), g.arguments().get(2).span());
        // void * buffers are counted in bytes (GNU C); bounds may name scalar arguments.
        assertEquals(new Span.Slice("r->raw", 0, 1, zero, new Expr.Ref(Path.of("n")), "r->raw", OptionalLong.empty()),
                g.arguments().get(3).span());
        assertEquals("r->words[1, r->nwords) x 4 bytes", g.arguments().get(1).span().show());
        // An enforcer finds the stored pointer of a base through its path: body.data is at r[272, 280).
        Policy p = parse("Extension_Entry(name = \"e\", extension_entry = \"h\", prototype = (Request *r, u32 n) -> int)\n")
                .policy().orElseThrow();
        CType request = new CType.Pointer(new CType.Named("Request"));
        Path base = g.arguments().get(0).span().basePath().orElseThrow();
        assertEquals("r->body.data", base.toString());
        assertEquals(java.util.Optional.of(new Region("r", 272, 8)),
                p.types().region(base, request, Types.RootKind.ARGUMENT, Types.Problems.NONE));
        assertEquals(java.util.Optional.empty(), new Region("&cfg", 0, 4).basePath());
        assertEquals(java.util.Optional.empty(), Path.parse("r->->x"));
    }

    @Test
    void literalBoundsGiveFixedBytes() {
        Grants g = grants("read(r->uri[0, 16)), read(r->words[2, 4))");
        assertEquals(List.of(new Region("r", 4, 16), new Region("r->words", 8, 8)),
                g.arguments().stream().map(Grants.ArgumentGrant::region).toList());
    }

    @Test
    void badSlicesAndDereferencesAreLocatedErrors() {
        ParseResult r = parse("""
                Extension_Entry(name = "e", extension_entry = "h", prototype = (Request *r, u32 n) -> int)
                Extension_Class(name = "c", extension_entry = "e", allowed = {
                    read(*r->uri_len),
                    read(r->uri_len[0, 4)),
                    read(r->uri[0, 300)),
                    read(r->uri[4, 4)),
                    read(r->body.data[0, r->hdr)),
                    read(r->body.data[0, nope)),
                    read(*r->raw)
                })
                """);
        List<String> got = r.diagnostics().stream().map(d -> d.location().line() + " " + d.code()).toList();
        assertEquals(List.of("6 EIM044", "7 EIM044", "8 EIM044", "9 EIM044", "10 EIM030", "11 EIM012", "12 EIM042"), got,
                r.diagnostics().stream().map(Diagnostic::format).toList().toString());
        assertTrue(r.diagnostics().get(2).message().contains("beyond its 256 elements"), r.diagnostics().get(2).message());
    }

    @Test
    void returnConstraintsBindTheExtensionArgumentConstraintsTheHost() {
        ParseResult r = parse("""
                Extension_Entry(name = "e", extension_entry = "h", prototype = (Request *r, u32 n) -> int,
                    constraints = { rtn in [0, 1], n <= 4096, non_null(r) })
                Extension_Class(name = "c", extension_entry = "e", allowed = { read(r) }, constraints = { rtn == 0 || n > 3 })
                """);
        assertEquals(List.of(), r.diagnostics());
        Grants g = r.policy().orElseThrow().grants("c").orElseThrow();
        assertEquals(List.of("rtn in [0, 1]", "rtn == 0 || n > 3"), g.returns().stream().map(Expr::show).toList());
        assertEquals(List.of("n <= 4096", "non_null(r)"), g.guarantees().stream().map(Expr::show).toList());
    }

    @Test
    void aClassMayOnlyConstrainTheReturnValue() {
        ParseResult r = parse("""
                Extension_Entry(name = "e", extension_entry = "h", prototype = (Request *r, u32 n) -> int)
                Extension_Class(name = "c", extension_entry = "e", allowed = {}, constraints = { n < 10, rtn >= 0 })
                """);
        assertEquals(List.of("5 EIM034"), r.diagnostics().stream().map(d -> d.location().line() + " " + d.code()).toList());
    }

    @Test
    void returnConstraintsAreTypedAndNeedAReturnValue() {
        ParseResult r = Eim.parse("v.eim", """
                Extension_Entry(name = "v", extension_entry = "h", prototype = (void) -> void, constraints = { rtn == 0 })
                Extension_Entry(name = "e", extension_entry = "h", prototype = (u32 n) -> int, constraints = { rtn + 1 })
                Extension_Class(name = "c", extension_entry = "e", allowed = {}, constraints = { value == 1 })
                """, java.nio.file.Path.of("."));
        List<String> got = r.diagnostics().stream().map(d -> d.location().line() + " " + d.code()).toList();
        assertEquals(List.of("1 EIM032", "2 EIM030", "3 EIM032"), got, r.diagnostics().stream().map(Diagnostic::format).toList().toString());
    }

    @Test
    void theNewConstructsFormatAndReparseToTheSamePolicy() {
        String src = """
                Extension_Entry(name = "e", extension_entry = "h", prototype = (Request *r, u32 n) -> int, constraints = { rtn in [0, 1] })
                Extension_Class(name = "c", extension_entry = "e",
                    allowed = { read(*r->hdr), read(r->body.data[0, r->body.len)), write(r->words[1, n + 1)) },
                    constraints = { rtn == 0 })
                """;
        Policy p = parse(src).policy().orElseThrow();
        String formatted = ((Eim.Formatted.Text) Eim.format("p.eim", TYPES + src, java.nio.file.Path.of("."))).text();
        assertTrue(formatted.contains("read(r->body.data[0, r->body.len))"), formatted);
        assertTrue(formatted.contains("constraints = { rtn in [0, 1] }"), formatted);
        assertEquals(p, Eim.parse("q.eim", formatted, java.nio.file.Path.of(".")).policy().orElseThrow());
    }

    @Test
    void stateCapabilitiesTakeTheSameTargetsOverTheHostVariable() {
        String host = """
                host Str buf;
                host Header *current;
                State_Capability(name = "readBuf", operation = read(buf.data[0, buf.len)))
                State_Capability(name = "readCurrent", operation = read(*current))
                State_Capability(name = "setLen", operation = write(*current), constraints = { value.len < 30 })
                """;
        ParseResult ok = parse(host);
        assertEquals(List.of(), ok.diagnostics());
        Policy p = ok.policy().orElseThrow();
        Expr bufLen = new Expr.Ref(new Path("buf", List.of(new Path.Step(Path.Selector.DOT, "len"))));
        assertEquals(new Span.Slice("buf.data", 0, 1, new Expr.IntLit(BigInteger.ZERO), bufLen, "buf.data", OptionalLong.empty()),
                p.span(p.stateCapabilities().get("readBuf")));
        assertEquals(new Region("current", 0, 36), p.span(p.stateCapabilities().get("readCurrent")));
        assertEquals(java.util.Optional.of(new CType.Named("Header")), p.accessedType(p.stateCapabilities().get("setLen")));
        // A slice writes many elements: there is no single value to constrain.
        ParseResult bad = parse(host + "State_Capability(name = \"zero\", operation = write(buf.data[0, 4)), constraints = { value == 0 })\n");
        assertEquals(List.of("9 EIM044"), bad.diagnostics().stream().map(d -> d.location().line() + " " + d.code()).toList());
    }

    @Test
    void theBenchmarkConventionIsABufferOfRunTimeLength() {
        // Issue 10's speed workloads: r1 = a buffer, r2 = its length; the class reads and writes data[0, len).
        ParseResult r = Eim.parse("bench.eim", """
                Extension_Entry(name = "workload", extension_entry = "bench_run", prototype = (u8 *data, u64 len) -> u64)
                Extension_Class(name = "bufferOnly", extension_entry = "workload", allowed = { read(data[0, len)), write(data[0, len)) })
                """, java.nio.file.Path.of("."));
        assertEquals(List.of(), r.diagnostics());
        Grants g = r.policy().orElseThrow().grants("bufferOnly").orElseThrow();
        Span.Slice buffer = new Span.Slice("data", 0, 1, new Expr.IntLit(BigInteger.ZERO), new Expr.Ref(Path.of("len")), "data",
                OptionalLong.empty());
        assertEquals(List.of(buffer, buffer), g.arguments().stream().map(Grants.ArgumentGrant::span).toList());
        assertEquals(List.of(AccessOp.READ, AccessOp.WRITE), g.arguments().stream().map(a -> a.access().op()).toList());
    }
}
