package dev.warden.verifier.eim;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.warden.eim.Eim;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfReader;
import dev.warden.verifier.Termination;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmark workloads (bench/workloads, r1 = buffer, r2 = its length) against the policy
 * shipped beside them (bench.eim: read and write the buffer, nothing else). sum_loop's loop runs
 * to a count read from the buffer, so only the runtime's budget can bound it
 * ({@code --termination runtime}); the others are proved to terminate. fletcher's pointer moves by
 * 2 beside its counter {@code i < len / 2}: the loop-head rule for registers advanced by a
 * constant ({@code fixpoint/InductionNarrowing}) bounds it.
 */
class BenchWorkloadsVerifyAgainstTheirPolicyTest {

    static Path dir() {
        for (Path p : List.of(Path.of("../bench/workloads"), Path.of("bench/workloads"))) {
            if (Files.isRegularFile(p.resolve("bench.eim"))) {
                return p;
            }
        }
        throw new AssertionError("bench/workloads not found from " + Path.of("").toAbsolutePath());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sum_loop", "fletcher", "fnv1a", "state_machine", "bubble_sort"})
    void workloadIsAcceptedAgainstTheBufferOnlyClass(String workload) throws Exception {
        BpfObject object = ElfReader.read(Files.readAllBytes(dir().resolve("workloads.bpf.o")));
        BpfProgram program = object.program("wl_" + workload).orElseThrow();
        EimPlatform eim = switch (EimPlatform.forClass(Eim.parse(dir().resolve("bench.eim")), "bufferOnly")) {
            case EimPlatform.Built.Ok ok -> ok.platform();
            case EimPlatform.Built.Failed f -> throw new AssertionError(f.message());
        };
        Termination t = workload.equals("sum_loop") ? Termination.RUNTIME : Termination.PROOF;
        VerificationResult r = Verifier.verify(object, program, VerifierOptions.linux().withTermination(t), eim);
        assertInstanceOf(VerificationResult.Verified.class, r, () -> r instanceof VerificationResult.Rejected rej
                ? rej.violations().toString() : "");
    }
}
