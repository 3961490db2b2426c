package dev.warden.eim.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.eim.Declaration;
import dev.warden.eim.Eim;
import dev.warden.eim.Policy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiffReportsGrantsRevocationsAndWitnessesTest {

    private static Policy load(String name) {
        var r = Eim.parse(Path.of("src/test/resources/diff").resolve(name));
        return r.policy().orElseThrow(() -> new AssertionError(r.diagnostics()));
    }

    private static List<PolicyQueries.Change> diff(Policy a, Policy b) {
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(Duration.ofSeconds(10))) {
            return PolicyQueries.diff(a, b, solver);
        }
    }

    @Test
    void nginxChangeIsReportedClassByClass() {
        List<String> got = diff(load("nginx-old.eim"), load("nginx-new.eim")).stream()
                .map(c -> c.className() + " " + c.kind() + " " + c.what()).toList();
        assertEquals(List.of(
                "observeProcessBegin GRANTED read host &ngx_requests_total[0, 8)",
                "firewall WEAKENED call host function ngx_log_error_line (logLine): the new constraints allow what the old did not",
                "firewall STRENGTHENED call host function ngx_http_finalize_request (reject): the old constraints allowed what the new do not",
                "firewall REVOKED read host &ngx_requests_total[0, 8)",
                "firewall GRANTED write(r->uri): bytes r[8, 264)",
                "firewall LIMIT_RAISED instructions < 100000 -> instructions < 200000"), got);
    }

    @Test
    void witnessesAreValuesOneSideAllowsAndTheOtherDoesNot() {
        Policy old = load("nginx-old.eim");
        Policy now = load("nginx-new.eim");
        for (PolicyQueries.Change c : diff(old, now)) {
            if (c.kind() != PolicyQueries.ChangeKind.WEAKENED && c.kind() != PolicyQueries.ChangeKind.STRENGTHENED) continue;
            assertTrue(c.witness().isPresent(), c.show());
            Map<String, String> values = parse(c.witness().get());
            String cap = c.what().substring(c.what().indexOf('(') + 1, c.what().indexOf(')'));
            Declaration.FunctionCapability before = old.functionCapabilities().get(cap);
            Declaration.FunctionCapability after = now.functionCapabilities().get(cap);
            Evaluator ev = new Evaluator(values);
            boolean weakened = c.kind() == PolicyQueries.ChangeKind.WEAKENED;
            // Checked without Z3: the witness satisfies the side that allows it and falsifies the other.
            assertEquals(weakened, ev.all(after.constraints()), c.show());
            assertEquals(!weakened, ev.all(before.constraints()), c.show());
        }
    }

    @Test
    void identicalPoliciesDifferInNothing() {
        assertEquals(List.of(), diff(load("nginx-old.eim"), load("nginx-old.eim")));
    }

    @Test
    void classesAddedAndRemovedAreReported() {
        String a = """
                Extension_Entry(name = "e", extension_entry = "hook", prototype = (void) -> int)
                Extension_Class(name = "gone", extension_entry = "e", allowed = { instructions < 10 })
                """;
        String b = """
                Extension_Entry(name = "e", extension_entry = "hook", prototype = (void) -> int)
                Extension_Class(name = "fresh", extension_entry = "e", allowed = { instructions < 20 })
                """;
        Policy pa = Eim.parse("a.eim", a, Path.of(".")).policy().orElseThrow();
        Policy pb = Eim.parse("b.eim", b, Path.of(".")).policy().orElseThrow();
        List<String> got = diff(pa, pb).stream().map(c -> c.kind() + " " + c.className()).toList();
        // Nothing in common but the entry: a removal and an addition, the addition with what it grants.
        assertEquals(List.of("CLASS_REMOVED gone", "CLASS_ADDED fresh", "GRANTED fresh"), got);
        assertEquals("granted: limit instructions < 20", diff(pa, pb).getLast().show());
    }

    @Test
    void aClassWithANewNameAndTheSameGrantsIsAProbableRename() {
        String common = """
                struct Req { u32 id; int status; };
                host int level;
                State_Capability(name = "setLevel", operation = write(level), constraints = { value in [0, 3] })
                Function_Capability(name = "log", prototype = (char *m, u32 n) -> int, constraints = { readable(m, n) })
                Extension_Entry(name = "e", extension_entry = "hook", prototype = (Req *r) -> int)
                Extension_Entry(name = "f", extension_entry = "hook2", prototype = (Req *r) -> int)
                """;
        Policy before = Eim.parse("a.eim", common + """
                Extension_Class(name = "observer", extension_entry = "e", allowed = { instructions < 100, log, read(r) })
                Extension_Class(name = "tuner", extension_entry = "e", allowed = { setLevel, write(r->status) })
                Extension_Class(name = "other", extension_entry = "f", allowed = { read(r) })
                """, Path.of(".")).policy().orElseThrow();
        // observer -> watcher with the same grants written differently (order, <= for <, field reads
        // adding up to the whole): a rename. tuner -> tuner2 also writes r->id: not the same grants,
        // but all of tuner's in common: a rename with a change, listed. other -> elsewhere at another
        // entry: not a rename; an added class is listed with its grants.
        Policy after = Eim.parse("b.eim", common + """
                Extension_Class(name = "watcher", extension_entry = "e", allowed = { read(r->id), read(r->status), log, instructions <= 99 })
                Extension_Class(name = "tuner2", extension_entry = "e", allowed = { setLevel, write(r->status), write(r->id) })
                Extension_Class(name = "elsewhere", extension_entry = "e", allowed = { read(r) })
                """, Path.of(".")).policy().orElseThrow();
        List<String> got = diff(before, after).stream().map(c -> c.kind() + " " + c.what()).toList();
        assertEquals(List.of(
                "CLASS_REMOVED class other",
                "CLASS_RENAMED class observer -> watcher (probably: same entry e, same grants)",
                "CLASS_RENAMED_AND_CHANGED class tuner -> tuner2 (probably: same entry e, most capabilities and accesses in common)",
                "GRANTED write(r->id): bytes r[0, 4)",
                "CLASS_ADDED class elsewhere at entry e",
                "GRANTED read(r): bytes r[0, 8)"), got);
    }

    @Test
    void limitsCompareByMeaningAndPrintAsWritten() {
        String src = """
                Extension_Entry(name = "e", extension_entry = "hook", prototype = (void) -> int)
                Extension_Class(name = "c", extension_entry = "e", allowed = { %s })
                """;
        Policy lt = Eim.parse("a.eim", src.formatted("stack < 513, memory < 100"), Path.of(".")).policy().orElseThrow();
        Policy le = Eim.parse("b.eim", src.formatted("stack <= 512, memory <= 99"), Path.of(".")).policy().orElseThrow();
        Policy lower = Eim.parse("c.eim", src.formatted("stack <= 256, memory <= 99"), Path.of(".")).policy().orElseThrow();
        assertEquals(List.of(), diff(lt, le), "the same limits, written differently");
        assertEquals(List.of("LIMIT_LOWERED stack <= 512 -> stack <= 256"),
                diff(le, lower).stream().map(c -> c.kind() + " " + c.what()).toList());
        assertEquals(List.of("LIMIT_RAISED stack <= 256 -> stack < 513"),
                diff(lower, lt).stream().map(c -> c.kind() + " " + c.what()).toList());
    }

    /** {@code a = 1, b = 2, readable(a, b) = true} (names contain no ", " except inside parentheses). */
    static Map<String, String> parse(String witness) {
        Map<String, String> out = new LinkedHashMap<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= witness.length(); i++) {
            char ch = i < witness.length() ? witness.charAt(i) : ',';
            if (ch == '(') depth++;
            if (ch == ')') depth--;
            if (ch == ',' && depth == 0) {
                String part = witness.substring(start, i).trim();
                int eq = part.lastIndexOf(" = ");
                out.put(part.substring(0, eq), part.substring(eq + 3));
                start = i + 1;
            }
        }
        assertFalse(out.isEmpty());
        return out;
    }
}
