package dev.warden.eim.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.eim.Eim;
import dev.warden.eim.Policy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A grant of bytes [a, b) covers any [c, d) within it, for the same base, in subsumption and in
 * diff: a write of a whole struct covers a write of one of its fields (for the values its
 * constraints allow whatever the other fields hold), a read of the whole covers a read of a part,
 * and adjacent grants together cover what spans them.
 */
class CoverageIsByByteRangesTest {

    private static final Path DIR = Path.of("src/test/resources/ranges");

    /** A policy of the shared declarations and the given classes at entry {@code e}. */
    private static Policy policy(String... classes) {
        StringBuilder src = new StringBuilder("include \"common.eim\";\n");
        for (String c : classes) {
            String name = c.substring(0, c.indexOf(':')).strip();
            String allowed = c.substring(c.indexOf(':') + 1).strip();
            src.append("Extension_Class(name = \"").append(name).append("\", extension_entry = \"e\", allowed = { ")
                    .append(allowed).append(" })\n");
        }
        var r = Eim.parse("t.eim", src.toString(), DIR);
        return r.policy().orElseThrow(() -> new AssertionError(src + "\n" + r.diagnostics()));
    }

    private static List<String> relations(Policy p) {
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(Duration.ofSeconds(10))) {
            return PolicyQueries.subsumptions(p, solver).stream().map(PolicyQueries.Subsumption::show).toList();
        }
    }

    private static List<PolicyQueries.Change> diff(Policy a, Policy b) {
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(Duration.ofSeconds(10))) {
            return PolicyQueries.diff(a, b, solver);
        }
    }

    private static List<String> kinds(List<PolicyQueries.Change> changes) {
        return changes.stream().map(c -> c.kind() + " " + c.what()).toList();
    }

    @Test
    void aWholeCoversItsPartsInSubsumption() {
        Policy p = policy(
                "part: setFsync, readDirty, write(r->status), read(r->p.a)",
                "whole: setServer, readServer, write(r), read(r)");
        assertEquals(List.of("class part is strictly weaker than whole (entry e)"), relations(p));
    }

    @Test
    void aConstrainedWholeCoversAPartOnlyForValuesItAllowsWhateverTheRestHolds() {
        // value.aof_fsync in [0, 5] allows every value setFsync may write, whatever the other fields hold.
        assertEquals(List.of("class part is strictly weaker than wide (entry e)"),
                relations(policy("part: setFsync", "wide: setServerWide")));
        // [0, 1] does not allow 2.
        assertEquals(List.of(), relations(policy("part: setFsync", "narrow: setServerNarrow")));
        // A write of aof_fsync alone leaves 'other' as it was, which the whole's constraint does not allow.
        assertEquals(List.of(), relations(policy("part: setFsync", "otherZero: setServerOtherZero")));
    }

    @Test
    void adjacentGrantsTogetherCoverWhatSpansThem() {
        assertEquals(List.of("classes split and joined grant the same (entry e)"),
                relations(policy("split: read(r->p.a), read(r->p.b)", "joined: read(r->p)")));
        // A read never covers a write.
        assertEquals(List.of(), relations(policy("reader: read(r)", "writer: write(r->status)")));
    }

    @Test
    void diffComparesAWriteWithTheWritesThatContainIt() {
        // The whole was writable, now only one field: the whole is revoked, the field is no news.
        assertEquals(List.of("REVOKED write host &server[0, 16) (setServer)"),
                kinds(diff(policy("c: setServer"), policy("c: setFsync"))));
        // The reverse: the whole is granted; the field was already writable with values the whole still allows.
        assertEquals(List.of("GRANTED write host &server[0, 16) (setServerWide)"),
                kinds(diff(policy("c: setFsync"), policy("c: setServerWide"))));
        // Narrowing the whole strengthens what it allowed, with a witness naming the field.
        List<PolicyQueries.Change> narrowed = diff(policy("c: setServer"), policy("c: setServerNarrow"));
        assertEquals(List.of("STRENGTHENED write host &server[0, 16) (setServer): the old constraints allowed what the new do not"),
                kinds(narrowed));
        var witness = DiffReportsGrantsRevocationsAndWitnessesTest.parse(narrowed.getFirst().witness().orElseThrow());
        long fsync = Long.parseLong(witness.get("server.aof_fsync"));
        assertTrue(fsync < 0 || fsync > 1, witness.toString());
        // The field keeps the same grant when the whole goes: only the whole is revoked.
        assertEquals(List.of("REVOKED write host &server[0, 16) (setServerWide)"),
                kinds(diff(policy("c: setServerWide, setFsync"), policy("c: setFsync"))));
        // A field grant that allows more than the whole did: weakened, with a witness the whole refused.
        List<PolicyQueries.Change> wider = diff(policy("c: setServerNarrow"), policy("c: setServerNarrow, setFsync"));
        assertEquals(List.of("WEAKENED write host &server[8, 12) (setFsync): the new constraints allow what the old did not"),
                kinds(wider));
        assertEquals("2", DiffReportsGrantsRevocationsAndWitnessesTest.parse(wider.getFirst().witness().orElseThrow())
                .get("server.aof_fsync"));
    }

    @Test
    void diffOfReadsGoesByBytes() {
        // read(r) -> read(r->p.a), read(r->p.b): the status bytes are revoked, the pair is still readable.
        assertEquals(List.of("REVOKED read(r): bytes r[0, 12)"),
                kinds(diff(policy("c: read(r)"), policy("c: read(r->p.a), read(r->p.b)"))));
        assertEquals(List.of(), kinds(diff(policy("c: read(r->p)"), policy("c: read(r->p.a), read(r->p.b)"))));
        assertEquals(List.of("REVOKED read host &server[0, 16)"),
                kinds(diff(policy("c: readServer, readDirty"), policy("c: readDirty"))));
        assertEquals(List.of(), kinds(diff(policy("c: readServer, readDirty"), policy("c: readServer"))));
    }

    @Test
    void regionsUnionAdjacentGrantsOnlyOnTheSameBase() {
        var a = new dev.warden.eim.Region("r", 0, 4);
        var b = new dev.warden.eim.Region("r", 4, 4);
        var gap = new dev.warden.eim.Region("r", 9, 3);
        var other = new dev.warden.eim.Region("q", 4, 4);
        assertTrue(new dev.warden.eim.Region("r", 2, 4).coveredBy(List.of(b, a)));
        assertTrue(new dev.warden.eim.Region("r", 0, 8).coveredBy(List.of(a, b)));
        assertTrue(gap.coveredBy(List.of(gap)));
        assertFalse(new dev.warden.eim.Region("r", 0, 10).coveredBy(List.of(a, b, gap)), "byte 8 is in no grant");
        assertFalse(new dev.warden.eim.Region("r", 2, 4).coveredBy(List.of(a, other)), "another base covers nothing");
        assertFalse(new dev.warden.eim.Region("r", 0, 4).coveredBy(List.of()));
    }
}
