package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.eim.Eim;
import dev.warden.eim.ParseResult;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfReader;
import dev.warden.verifier.ObligationKind;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.Violation;
import dev.warden.verifier.WitnessStatus;
import dev.warden.verifier.Witnesses;
import dev.warden.verifier.eim.EimPlatform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The unsafe twins of the EIM corpus ({@code corpus/eim/*_unsafe.c}), each verified against the
 * class its signature line names and replayed as that class's entry: the violations a run can
 * show (host memory outside the grants or outside the object, a granted call whose arguments break
 * its constraints) are confirmed where the run can get there, each with a fault at the
 * violation's pc; the others (limits, ungranted calls, value constraints of stores) stay not
 * searched.
 */
class EimReplayerCorpusTest {
    private static final Pattern POLICY = Pattern.compile("// POLICY: (\\S+)");
    private static final Pattern PROGRAM = Pattern.compile("\\b(\\w+)\\s*\\([^)]*\\)\\s*// CLASS: (\\w+) EXPECT: reject (\\w+)");

    record Twin(Path object, Path policy, String function, String className, String kind) {}

    static Path corpus() {
        for (Path p : List.of(Path.of("../corpus"), Path.of("corpus"))) {
            if (Files.isDirectory(p.resolve("eim"))) {
                return p;
            }
        }
        throw new AssertionError("corpus/ not found from " + Path.of("").toAbsolutePath());
    }

    static List<Twin> twins() throws Exception {
        return annotated("_unsafe.c", PROGRAM).stream()
                .map(a -> new Twin(a.object(), a.policy(), a.function(), a.className(), a.kind())).toList();
    }

    /** A program of a corpus C file, with what its annotation says (the third group of the pattern, if any). */
    record Annotated(Path object, Path policy, String function, String className, String kind) {}

    /**
     * The programs of {@code corpus/eim/*.c} whose file names end with {@code suffix} (".c" for
     * all) whose line matches {@code program} (groups: function, class, and optionally a kind),
     * each with the policy the file's {@code // POLICY:} line names and its compiled object.
     */
    static List<Annotated> annotated(String suffix, Pattern program) throws Exception {
        List<Annotated> out = new ArrayList<>();
        try (var files = Files.list(corpus().resolve("eim"))) {
            for (Path c : files.filter(p -> p.toString().endsWith(suffix)).sorted().toList()) {
                String policy = null;
                for (String line : Files.readAllLines(c)) {
                    Matcher pm = POLICY.matcher(line);
                    if (pm.find()) {
                        policy = pm.group(1);
                    }
                    Matcher m = program.matcher(line);
                    if (m.find()) {
                        out.add(new Annotated(Path.of(c.toString().replace(".c", ".o")), corpus().resolve("policies").resolve(policy),
                                m.group(1), m.group(2), m.groupCount() >= 3 ? m.group(3) : ""));
                    }
                }
            }
        }
        return out;
    }

    record Replayed(Twin twin, Optional<String> unsupported, List<Violation> violations) {
        String row() {
            return twin.function() + " (" + twin.object().getFileName() + ", " + twin.className() + "): "
                    + unsupported.map(u -> "not replayed: " + u).orElseGet(() -> violations.stream()
                    .map(v -> v.kind().key() + "@" + v.pc() + " " + v.witness() + v.witnessInput().map(w -> " [" + w + "]").orElse(""))
                    .toList().toString());
        }
    }

    static Replayed replay(Twin t) throws Exception {
        ParseResult parsed = Eim.parse(t.policy());
        EimPlatform eim = ((EimPlatform.Built.Ok) EimPlatform.forClass(parsed, t.className())).platform();
        BpfObject o = ElfReader.read(t.object());
        BpfProgram p = o.programs().stream().filter(x -> x.name().equals(t.function())).findFirst().orElseThrow();
        VerificationResult r = Verifier.verify(o, p, VerifierOptions.linux(), eim);
        EimReplayer replayer = EimReplayer.defaults();
        VerificationResult c = Witnesses.confirmEim(r, o, p, eim, replayer);
        VerificationResult.Rejected rej = assertInstanceOf(VerificationResult.Rejected.class, c, t.function());
        return new Replayed(t, replayer.unsupported(o, p, eim), rej.violations());
    }

    @Test
    void unsafeTwinsAreConfirmedWhereARunCanShowThem() throws Exception {
        List<Twin> twins = twins();
        assertTrue(twins.size() >= 20, "the corpus has its unsafe twins: " + twins.size());
        Map<String, Replayed> byName = new TreeMap<>();
        StringBuilder table = new StringBuilder();
        int confirmed = 0;
        int replayable = 0;
        for (Twin t : twins) {
            Replayed r = replay(t);
            byName.put(t.object().getFileName() + ":" + t.function(), r);
            table.append(r.row()).append('\n');
            for (Violation v : r.violations()) {
                if (v.witness() == WitnessStatus.CONFIRMED) {
                    confirmed++;
                    // The replay is the judge: a confirmation names the fault it saw.
                    assertTrue(v.witnessInput().orElseThrow().contains(" → "), r.row());
                }
                if (v.witness() != WitnessStatus.NOT_SEARCHED) {
                    replayable++;
                }
                if (!Witnesses.observableByRunningEim(v, programOf(t))) {
                    assertEquals(WitnessStatus.NOT_SEARCHED, v.witness(), r.row());
                }
            }
        }
        System.out.println("EIM unsafe twins replayed:\n" + table + confirmed + " confirmed of " + replayable + " replayed");
        // Every unsafe twin's violation is real: each one a run was made for must have been shown.
        assertEquals(replayable, confirmed, table.toString());
        assertTrue(confirmed >= 21, table.toString());
        // What stays unreplayed says why.
        assertTrue(byName.values().stream().allMatch(r -> r.unsupported().isEmpty()), table.toString());
    }

    static BpfProgram programOf(Twin t) throws Exception {
        BpfObject o = ElfReader.read(t.object());
        return o.programs().stream().filter(x -> x.name().equals(t.function())).findFirst().orElseThrow();
    }
}
