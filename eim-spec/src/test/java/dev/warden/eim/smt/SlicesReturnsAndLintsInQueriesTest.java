package dev.warden.eim.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.eim.Code;
import dev.warden.eim.Diagnostic;
import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import dev.warden.eim.Policy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Z3 queries with the new constructs: run-time slices, return constraints, opaque grants, and the class lints. */
class SlicesReturnsAndLintsInQueriesTest {

    private static final String HEAD = """
            struct Str { u8 *data; u32 len; u32 cap; };
            struct Request { u32 uri_len; char uri[64]; Str body; int status; };
            Extension_Entry(name = "e", extension_entry = "h", prototype = (Request *r) -> int)
            """;

    private static ParseResult parse(String src) {
        return Eim.parse("q.eim", HEAD + src, Path.of("."));
    }

    private static Policy policy(String src) {
        ParseResult r = parse(src);
        return r.policy().orElseThrow(() -> new AssertionError(r.diagnostics().stream().map(Diagnostic::format).toList()));
    }

    private static List<String> relations(Policy p) {
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(Duration.ofSeconds(10))) {
            return PolicyQueries.subsumptions(p, solver).stream().map(PolicyQueries.Subsumption::show).toList();
        }
    }

    private static List<String> diff(String before, String after) {
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(Duration.ofSeconds(10))) {
            return PolicyQueries.diff(policy(before), policy(after), solver).stream()
                    .map(c -> c.className() + " " + c.show()).toList();
        }
    }

    private static List<Diagnostic> lint(String src) {
        ParseResult r = parse(src);
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(Duration.ofSeconds(10))) {
            return PolicyQueries.lint(r, solver);
        }
    }

    @Test
    void aSliceOfAnArrayLiesInTheArrayAndASliceOfABufferInAWiderOne() {
        // uri[0, uri_len) is cut at the array's 64 bytes, so read(r->uri) covers it; body.data[0, len - 1)
        // lies in body.data[0, len) whatever len is (an empty slice lies anywhere), not the reverse.
        Policy p = policy("""
                Extension_Class(name = "narrow", extension_entry = "e", allowed = { read(r->uri[0, r->uri_len)), read(r->body.data[0, r->body.len - 1)) })
                Extension_Class(name = "wide", extension_entry = "e", allowed = { read(r->uri), read(r->body.data[0, r->body.len)) })
                """);
        assertEquals(List.of("class narrow is strictly weaker than wide (entry e)"), relations(p));
    }

    @Test
    void slicesWithUnrelatedBoundsAreIncomparable() {
        Policy p = policy("""
                Extension_Class(name = "byLen", extension_entry = "e", allowed = { read(r->body.data[0, r->body.len)) })
                Extension_Class(name = "byCap", extension_entry = "e", allowed = { read(r->body.data[0, r->body.cap)) })
                """);
        assertEquals(List.of(), relations(p));
    }

    @Test
    void diffComparesSlicesByTheirBytesForEveryLength() {
        String before = "Extension_Class(name = \"c\", extension_entry = \"e\", allowed = { read(r->body.data[0, r->body.len)) })\n";
        String same = "Extension_Class(name = \"c\", extension_entry = \"e\", allowed = { read(r->body.data[0, 0 + r->body.len)) })\n";
        String longer = "Extension_Class(name = \"c\", extension_entry = \"e\", allowed = { read(r->body.data[0, r->body.len + 1)) })\n";
        assertEquals(List.of(), diff(before, same));
        assertEquals(List.of("c granted: read(r->body.data[0, r->body.len + 1)): elements r->body.data[0, r->body.len + 1)"),
                diff(before, longer));
        assertEquals(List.of("c revoked: read(r->body.data[0, r->body.len + 1)): elements r->body.data[0, r->body.len + 1)"),
                diff(longer, before));
    }

    @Test
    void returnConstraintsOrderClassesAndShowInDiffsWithAWitness() {
        Policy p = policy("""
                Extension_Class(name = "verdict", extension_entry = "e", allowed = { read(r) }, constraints = { rtn in [0, 1] })
                Extension_Class(name = "any", extension_entry = "e", allowed = { read(r) })
                """);
        // Fewer return values allowed is less freedom: verdict is weaker.
        assertEquals(List.of("class verdict is strictly weaker than any (entry e)"), relations(p));
        List<String> d = diff("Extension_Class(name = \"c\", extension_entry = \"e\", allowed = {}, constraints = { rtn in [0, 1] })\n",
                "Extension_Class(name = \"c\", extension_entry = \"e\", allowed = {}, constraints = { rtn in [0, 2] })\n");
        assertEquals(1, d.size(), d.toString());
        assertTrue(d.getFirst().startsWith("c weakened: return value (rtn in [0, 2]; was rtn in [0, 1])"), d.getFirst());
        assertTrue(d.getFirst().contains("witness: rtn = 2"), d.getFirst());
    }

    @Test
    void opaqueGrantsCompareByTheObjectTheyName() {
        String head = "Extension_Entry(name = \"p\", extension_entry = \"h2\", prototype = (Conn *c) -> int)\n";
        Policy p = policy(head + """
                Extension_Class(name = "reads", extension_entry = "p", allowed = { read(c) })
                Extension_Class(name = "none", extension_entry = "p", allowed = {})
                """);
        assertEquals(List.of("class none is strictly weaker than reads (entry p)"), relations(p));
    }

    @Test
    void anAddedClassIsListedWithWhatItGrantsAndLayoutChangesAreNoted() {
        String before = "Extension_Class(name = \"a\", extension_entry = \"e\", allowed = { read(r) })\n";
        String after = before + "Extension_Class(name = \"b\", extension_entry = \"e\", allowed = { write(r->status), read(r->body.data[0, r->body.len)), instructions < 1000 }, constraints = { rtn == 0 })\n";
        assertEquals(List.of(
                "b class added: class b at entry e",
                "b granted: write(r->status): bytes r[88, 92)",
                "b granted: read(r->body.data[0, r->body.len)): elements r->body.data[0, r->body.len)",
                "b strengthened: return value (rtn == 0; was any value): the old constraints allowed what the new do not\n      witness: rtn = -1",
                "b granted: limit instructions < 1000"), diff(before, after).stream().map(s -> s.replaceAll("rtn = -?\\d+", "rtn = -1")).toList());
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(Duration.ofSeconds(10))) {
            Policy old = Eim.parse("o.eim", "struct S { u32 a; u32 b; };\nhost S s;\n", Path.of(".")).policy().orElseThrow();
            Policy now = Eim.parse("n.eim", "struct S { u64 a; u32 b; };\nhost long s2;\n", Path.of(".")).policy().orElseThrow();
            assertEquals(List.of("layout changed: struct S: size 8 -> 16, field b 4 -> 8",
                            "layout changed: host variable s no longer declared",
                            "layout changed: host variable s2 declared as long"),
                    PolicyQueries.diff(old, now, solver).stream().map(PolicyQueries.Change::show).toList());
        }
    }

    @Test
    void redundantAndOverlappingGrantsAreWarned() {
        List<Diagnostic> ds = lint("""
                Extension_Class(name = "c", extension_entry = "e", allowed = {
                    read(r),
                    read(r->uri),
                    read(r->body.data[0, r->body.len)),
                    read(r->body.data[0, r->body.len - 1)),
                    write(r->uri[0, 16)),
                    write(r->uri[8, 32))
                })
                """);
        List<String> got = ds.stream().map(d -> d.location().line() + " " + d.code() + " " + d.message()).toList();
        assertEquals(List.of(
                "6 EIM054 'read(r->uri)' is redundant: 'read(r)' already grants all of its memory",
                "8 EIM054 'read(r->body.data[0, r->body.len - 1))' is redundant: 'read(r->body.data[0, r->body.len))' already grants all of its memory",
                "10 EIM054 'write(r->uri[8, 32))' overlaps 'write(r->uri[0, 16))' without either containing the other: bytes r[12, 20) are granted twice"),
                got);
    }

    @Test
    void aWholeStructWriteThatAllowsWhatAFieldConstraintForbidsIsWarned() {
        String host = """
                struct Server { u64 dirty; int aof_fsync; int other; };
                host Server server;
                State_Capability(name = "setFsync", operation = write(server.aof_fsync), constraints = { value in [0, 2] })
                State_Capability(name = "setAll", operation = write(server), constraints = { value.other == 0 })
                State_Capability(name = "setSafe", operation = write(server), constraints = { value.aof_fsync in [0, 1] })
                """;
        List<Diagnostic> ds = lint(host + """
                Extension_Class(name = "loose", extension_entry = "e", allowed = { setFsync, setAll })
                Extension_Class(name = "tight", extension_entry = "e", allowed = { setFsync, setSafe })
                """);
        List<Diagnostic> wide = ds.stream().filter(d -> d.code() == Code.EIM055).toList();
        assertEquals(1, wide.size(), ds.stream().map(Diagnostic::format).toList().toString());
        assertTrue(wide.getFirst().message().startsWith("in class 'loose', 'setAll' (write(server)) may write server.aof_fsync"
                + " with values the constraints of 'setFsync' forbid"), wide.getFirst().message());
    }

    @Test
    void returnConstraintsThatCanNeverHoldOrAlwaysHoldAreWarned() {
        List<Diagnostic> ds = lint("""
                Extension_Entry(name = "v", extension_entry = "h3", prototype = (u8 n) -> u8, constraints = { rtn <= 255 })
                Extension_Class(name = "never", extension_entry = "e", allowed = {}, constraints = { rtn > 5, rtn < 2 })
                Extension_Class(name = "fine", extension_entry = "v", allowed = {}, constraints = { rtn < n })
                """);
        List<String> got = ds.stream().map(d -> d.location().line() + " " + d.code() + " " + d.message()).toList();
        assertEquals(List.of(
                "4 EIM102 constraint 'rtn <= 255' of entry 'v' holds for every value of the declared types: it restricts nothing",
                "5 EIM101 the constraints of class 'never' can never hold together: 'rtn > 5' and 'rtn < 2' (no extension could return)"),
                got);
    }

    @Test
    void looserHostGuaranteesAreAWeakening() {
        String entry = "Extension_Entry(name = \"g\", extension_entry = \"h4\", prototype = (u32 n) -> int, constraints = { %s })\n"
                + "Extension_Class(name = \"k\", extension_entry = \"g\", allowed = {})\n";
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(Duration.ofSeconds(10))) {
            Policy tight = Eim.parse("t.eim", entry.formatted("n <= 4096"), Path.of(".")).policy().orElseThrow();
            Policy loose = Eim.parse("l.eim", entry.formatted("n <= 8192"), Path.of(".")).policy().orElseThrow();
            List<String> d = PolicyQueries.diff(tight, loose, solver).stream().map(PolicyQueries.Change::show).toList();
            assertEquals(1, d.size(), d.toString());
            assertTrue(d.getFirst().startsWith("weakened: host guarantees on the arguments of entry g (n <= 8192; was n <= 4096)"), d.getFirst());
            String n = d.getFirst().replaceAll("(?s).*witness: n = (\\d+).*", "$1");
            assertTrue(Long.parseLong(n) > 4096 && Long.parseLong(n) <= 8192, d.getFirst());
            assertEquals(List.of("strengthened"), PolicyQueries.diff(loose, tight, solver).stream()
                    .map(c -> c.kind().name().toLowerCase(java.util.Locale.ROOT)).toList());
        }
    }
}
