package dev.warden.eim.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.eim.Eim;
import dev.warden.eim.Policy;
import dev.warden.eim.TestFilesAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubsumptionComparesClassesOfOneEntryTest {

    private static List<String> relations(Policy p) {
        try (Z3ConstraintSolver solver = Z3ConstraintSolver.open(Duration.ofSeconds(10))) {
            return PolicyQueries.subsumptions(p, solver).stream().map(PolicyQueries.Subsumption::show).toList();
        }
    }

    private static Policy parse(String src) {
        var r = Eim.parse("s.eim", src, Path.of("."));
        return r.policy().orElseThrow(() -> new AssertionError(r.diagnostics()));
    }

    @Test
    void corpusObserversAreWeakerThanTheirUpdaters() {
        Policy redis = Eim.parse(TestFilesAccess.corpusPolicies().resolve("redis-durability.eim")).policy().orElseThrow();
        assertEquals(List.of("class durabilityObserver is strictly weaker than durabilityTuner (entry beforeSleep)"), relations(redis));
        // The paper's observer has no instruction limit, the firewall has one: neither is weaker.
        Policy nginx = Eim.parse(TestFilesAccess.corpusPolicies().resolve("nginx-firewall.eim")).policy().orElseThrow();
        assertEquals(List.of(), relations(nginx));
    }

    @Test
    void aNarrowerConstraintOnTheSameLocationIsWeakerThroughAnotherCapability() {
        Policy p = parse("""
                host int level;
                State_Capability(name = "setSmall", operation = write(level), constraints = { value in [0, 3] })
                State_Capability(name = "setAny", operation = write(level), constraints = { value >= 0 && value <= 10 })
                Function_Capability(name = "logA", function = "log", prototype = (char *msg, u32 len) -> int,
                    constraints = { writable(msg, len), len <= 64 })
                Function_Capability(name = "logB", function = "log", prototype = (char *m, u32 n) -> int,
                    constraints = { readable(m, n), n <= 128 })
                Extension_Entry(name = "e", extension_entry = "hook", prototype = (void) -> int)
                Extension_Class(name = "small", extension_entry = "e", allowed = { setSmall, logA, instructions < 100 })
                Extension_Class(name = "any", extension_entry = "e", allowed = { setAny, logB, instructions < 1000 })
                Extension_Class(name = "anyAgain", extension_entry = "e", allowed = { instructions < 1000, logB, setAny })
                """);
        // writable implies readable, len <= 64 implies n <= 128 (same argument by position).
        assertEquals(List.of(
                "class small is strictly weaker than any (entry e)",
                "class small is strictly weaker than anyAgain (entry e)",
                "classes any and anyAgain grant the same (entry e)"), relations(p));
    }

    @Test
    void aWiderRangeOrAnotherFunctionBreaksSubsumption() {
        Policy p = parse("""
                host int level;
                State_Capability(name = "setSmall", operation = write(level), constraints = { value in [0, 3] })
                State_Capability(name = "setOther", operation = write(level), constraints = { value in [2, 10] })
                Extension_Entry(name = "e", extension_entry = "hook", prototype = (void) -> int)
                Extension_Class(name = "a", extension_entry = "e", allowed = { setSmall })
                Extension_Class(name = "b", extension_entry = "e", allowed = { setOther })
                """);
        assertEquals(List.of(), relations(p));
    }
}
