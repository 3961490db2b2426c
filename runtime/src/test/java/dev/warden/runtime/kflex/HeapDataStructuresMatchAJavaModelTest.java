package dev.warden.runtime.kflex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.elf.BpfObject;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.runtime.linux.KflexOptions;
import dev.warden.runtime.linux.LinuxEnvironment;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.runtime.linux.ProvedChecks;
import dev.warden.verifier.VerifiedProgram;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecResult;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The linked list, the hash table with chaining and the binary search tree of corpus/kflex (C,
 * clang -target bpf) keep their data in the extension's heap, verified in runtime-termination mode
 * with heap pointers stored in the heap. Thousands of random inserts, lookups and deletes on a
 * small key space (so that hits, misses, replacements and deletions of inner tree nodes all occur)
 * run through the interpreter and the JIT with the heap's guards, each result checked against a
 * Java map, and the heap ends with exactly as many live objects as the model has keys.
 */
class HeapDataStructuresMatchAJavaModelTest {
    static final int OPERATIONS = 4000;

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({"list, interp", "list, jit", "hashtable, interp", "hashtable, jit", "bst, interp", "bst, jit"})
    void everyOperationAgreesWithTheModel(String structure, String engineName) throws Exception {
        BpfObject object = KflexFixtures.object(structure);
        VerifiedProgram proof = KflexFixtures.verified(object);
        Engine engine = engineName.equals("jit") ? new JitEngine() : new Interpreter();
        SplittableRandom random = new SplittableRandom(structure.hashCode());
        Map<Long, Long> model = new HashMap<>();
        int[] seen = new int[4];
        try (LinuxEnvironment env = LinuxEnvironment.loadVerified(object, proof, LinuxProgramType.XDP, 1_000_000, engine,
                new KflexOptions(KflexFixtures.HEAP, 0))) {
            ProvedChecks checks = env.elision().orElseThrow();
            assertTrue(checks.heapGuardsTotal() > 0, "the program addresses its heap");
            for (int i = 0; i < OPERATIONS; i++) {
                long key = random.nextLong(64);
                long value = random.nextLong(1L << 40);
                int kind = 1 + random.nextInt(3);
                long expected = switch (kind) {
                    case 1 -> model.put(key, value) == null ? 1 : 0;
                    case 2 -> model.getOrDefault(key, -1L);
                    default -> model.remove(key) != null ? 1 : 0;
                };
                ExecResult r = env.run(KflexFixtures.request(kind, key, value));
                assertEquals(new ExecResult.Returned(expected), r, structure + " operation " + i + ": kind " + kind + " key " + key);
                seen[kind] += expected == 1 ? 1 : 0;
            }
            assertEquals(model.size() + (structure.equals("hashtable") ? 1 : 0), env.heap().orElseThrow().liveObjects(),
                    "live heap objects: one per key (and the bucket array)");
        }
        assertTrue(seen[1] > 100 && seen[3] > 100, "inserts and deletes that changed the structure happened");
    }
}
