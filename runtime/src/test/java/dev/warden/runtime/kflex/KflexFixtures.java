package dev.warden.runtime.kflex;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.ElfReader;
import dev.warden.verifier.Termination;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.platform.Platform;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** The KFlex corpus (corpus/kflex) for tests: objects, their proofs with a heap, requests. */
final class KflexFixtures {
    static final long HEAP = 1 << 20;

    private KflexFixtures() {}

    static BpfObject object(String name) throws Exception {
        Path p = Path.of("..", "corpus", "kflex", name + ".o");
        return ElfReader.read(Files.readAllBytes(p));
    }

    /** The object's only program, verified with a heap in runtime-termination mode; fails the test if rejected. */
    static VerifiedProgram verified(BpfObject object) {
        return verified(object, object.programs().get(0).name());
    }

    /** The object's program {@code name}, verified the same way. */
    static VerifiedProgram verified(BpfObject object, String name) {
        VerifierOptions options = VerifierOptions.linux().withPlatform(Platform.linux().withHeap(HEAP))
                .withTermination(Termination.RUNTIME);
        var program = object.programs().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
        VerificationResult r = Verifier.verify(object, program, options);
        return assertInstanceOf(VerificationResult.Verified.class, r, () -> r.toString()).program();
    }

    /** The 24-byte request of corpus/kflex/kflex.h: kind, key, value. */
    static byte[] request(long kind, long key, long value) {
        return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(kind).putLong(key).putLong(value).array();
    }
}
