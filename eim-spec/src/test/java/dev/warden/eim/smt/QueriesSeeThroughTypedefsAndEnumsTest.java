package dev.warden.eim.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Z3 queries: a typedef'd name has its type's range, an enum-typed name int's, an enumerator is its value. */
class QueriesSeeThroughTypedefsAndEnumsTest {

    private static final String TYPES = """
            typedef u32 pid_t;
            enum Status { OK = 200, FORBIDDEN = 403, NOT_FOUND = 404 };
            struct Request { pid_t owner; Status status; };
            typedef Request *RequestP;
            Extension_Entry(name = "e", extension_entry = "hook", prototype = (RequestP r) -> int)
            """;

    private static ParseResult parse(String src) {
        ParseResult r = Eim.parse("q.eim", TYPES + src, Path.of("."));
        r.policy().orElseThrow(() -> new AssertionError(r.diagnostics()));
        return r;
    }

    @Test
    void lintUsesTheRangesBehindTheNames() {
        ParseResult r = parse("""
                Function_Capability(name = "dead", function = "a", prototype = (Status s) -> int, constraints = { s == FORBIDDEN, s > NOT_FOUND })
                Function_Capability(name = "intRange", function = "b", prototype = (Status s) -> int, constraints = { s <= 2147483647 })
                Function_Capability(name = "unsigned", function = "c", prototype = (pid_t p) -> int, constraints = { p >= 0 })
                Function_Capability(name = "negative", function = "d", prototype = (pid_t p) -> int, constraints = { p < OK - 200 })
                Function_Capability(name = "fine", function = "e", prototype = (Status s) -> int, constraints = { s in [OK, NOT_FOUND] })
                """);
        List<String> got;
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(Duration.ofSeconds(10))) {
            got = PolicyQueries.lint(r, solver).stream().map(d -> d.code() + " " + d.message()).toList();
        }
        assertEquals(List.of(
                "EIM101 capability 'dead' is dead: constraints 's == FORBIDDEN' (6:99) and 's > NOT_FOUND' (6:115) can never hold together",
                "EIM102 constraint 's <= 2147483647' holds for every value of the declared types: it restricts nothing",
                "EIM102 constraint 'p >= 0' holds for every value of the declared types: it restricts nothing",
                "EIM101 capability 'negative' is dead: constraint 'p < OK - 200' (9:102) can never hold for the declared types"), got);
    }

    @Test
    void subsumptionComparesATypedefWithItsType() {
        ParseResult r = parse("""
                Function_Capability(name = "rejectForbidden", function = "finalize", prototype = (RequestP r, Status s) -> int,
                    constraints = { s == FORBIDDEN })
                Function_Capability(name = "reject4xx", function = "finalize", prototype = (Request *r, int s) -> int,
                    constraints = { s in [400, 499] })
                Extension_Class(name = "narrow", extension_entry = "e", allowed = { rejectForbidden, read(r->status) })
                Extension_Class(name = "wide", extension_entry = "e", allowed = { reject4xx, read(r) })
                """);
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(Duration.ofSeconds(10))) {
            assertEquals(List.of("class narrow is strictly weaker than wide (entry e)"),
                    PolicyQueries.subsumptions(r.policy().orElseThrow(), solver).stream().map(PolicyQueries.Subsumption::show).toList());
        }
    }
}
