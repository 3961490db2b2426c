package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.host.EntryArguments.Argument;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.ExecResult;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entry's guarantees are checked on every invocation by {@link CompiledGuarantee} (longs, no
 * allocation) where their expressions allow, and by {@link ConcreteConstraints} otherwise: the
 * two must refuse exactly the same arguments, with the same message. Here every guarantee of the
 * policy compiles, and random and edge values (u64 above {@code Long.MAX_VALUE}, sums that leave
 * {@code long}, division by zero) are each refused exactly when a guarantee, computed here with
 * {@link BigInteger}s, does not hold, naming the first one in policy order.
 */
class CompiledGuaranteesDecideAsTheGeneralEvaluatorTest {
    static final String POLICY = """
            struct Req {
                u32 len;
                int delta;
                u64 big;
                u8 flags;
            };
            enum Limit { LOW = 100, HIGH = 200 };
            Extension_Entry(name = "g", extension_entry = "g", prototype = (Req *r, u64 a, s64 b) -> int,
                constraints = { r->len <= 248, r->delta + b >= -10, r->big < 1000 || a == 0, a * 2 <= 4000 + r->len,
                                r->flags % 4 == 1 ==> b != 0, !(b in [LOW, HIGH]), 1000 / (r->flags - 7) != 3, sizeof(Req) == 24 })
            Extension_Class(name = "guarded", extension_entry = "g", allowed = { read(r) })
            """;

    /** The guarantees above, in order, on the same values, with mathematical integers; empty when undecidable (division by zero). */
    static List<Predicate<long[]>> oracle() {
        return List.of(
                v -> u32(v[0]) <= 248,
                v -> BigInteger.valueOf(v[1]).add(BigInteger.valueOf(v[5])).compareTo(BigInteger.valueOf(-10)) >= 0,
                v -> u64(v[2]).compareTo(BigInteger.valueOf(1000)) < 0 || u64(v[4]).signum() == 0,
                v -> u64(v[4]).multiply(BigInteger.TWO).compareTo(BigInteger.valueOf(4000 + u32(v[0]))) <= 0,
                v -> (v[3] & 0xff) % 4 != 1 || v[5] != 0,
                v -> !(100 <= v[5] && v[5] <= 200),
                v -> 1000 / ((v[3] & 0xff) - 7) != 3,
                v -> true);
    }

    static final String[] SHOWN = {"r->len <= 248", "r->delta + b >= -10", "r->big < 1000 || a == 0", "a * 2 <= 4000 + r->len",
        "r->flags % 4 == 1 ==> b != 0", "!(b in [LOW, HIGH])", "1000 / (r->flags - 7) != 3", "sizeof(Req) == 24"};

    @Test
    void everyGuaranteeCompilesAndRefusesExactlyWhatTheGeneralEvaluatorRefuses(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("guarded.eim");
        Files.writeString(policy, POLICY);
        EimClassPolicy guarded = EimClassPolicy.forClass(policy, "guarded");
        assertEquals(8, guarded.shape().compiledGuarantees(), "every guarantee of the policy compiles");
        BpfObject o = new BpfObject(List.of(), List.of(new BpfProgram("g", "eim/g", Assembler.assemble("""
                r0 = 0
                exit
                """), List.of(), List.of(), List.of())), List.of(), "GPL");
        ExtensionSpec spec = ExtensionSpec.of().withEntry(new EntryPoint("g", "g", LinuxProgramType.XDP));
        try (Extension ext = Extensions.load(o, "g.o", spec, guarded)) {
            Random random = new Random(12);
            long[] edges = {0, 1, -1, 2, 7, 8, 100, 200, 248, 249, 999, 1000, 2000, 2124, 2125, Long.MAX_VALUE, Long.MIN_VALUE,
                Integer.MAX_VALUE, Integer.MIN_VALUE, 0xffff_ffffL, 1L << 62};
            int refused = 0;
            int ran = 0;
            for (int k = 0; k < 4000; k++) {
                // len, delta, big, flags, a, b
                long[] v = new long[6];
                for (int i = 0; i < v.length; i++) {
                    v[i] = random.nextInt(6) == 0 ? edges[random.nextInt(edges.length)] : random.nextLong(-5, 260);
                }
                v[0] = v[0] & 0xffff_ffffL;
                v[1] = (int) v[1];
                v[3] = v[3] & 0xff;
                if ((v[3] & 0xff) == 7) {
                    v[3] = 8; // 1000 / 0: undecidable, refused; checked on its own below
                }
                byte[] req = request(v);
                Optional<String> firstBroken = Optional.empty();
                List<Predicate<long[]>> checks = oracle();
                for (int g = 0; g < checks.size() && firstBroken.isEmpty(); g++) {
                    if (!checks.get(g).test(v)) {
                        firstBroken = Optional.of("the arguments break " + SHOWN[g]);
                    }
                }
                EntryArguments args = EntryArguments.of(Argument.bytes(req), Argument.scalar(v[4]), Argument.scalar(v[5]));
                if (firstBroken.isPresent()) {
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ext.invoke("g", args),
                            () -> java.util.Arrays.toString(v));
                    assertTrue(e.getMessage().contains(firstBroken.get() + " (guarded.eim:"), java.util.Arrays.toString(v) + ": " + e.getMessage());
                    refused++;
                } else {
                    assertEquals(0, assertInstanceOf(ExecResult.Returned.class, ext.invoke("g", args)).r0());
                    ran++;
                }
            }
            assertTrue(refused > 1000 && ran > 1000, "both outcomes are exercised: " + refused + " refused, " + ran + " ran");
            // Division by zero: the compiled check leaves it to the general evaluator, which cannot show the guarantee holds.
            IllegalArgumentException zero = assertThrows(IllegalArgumentException.class, () -> ext.invoke("g",
                    EntryArguments.of(Argument.bytes(request(new long[] {0, 0, 0, 7, 0, 0})), Argument.scalar(0), Argument.scalar(0))));
            assertTrue(zero.getMessage().contains("cannot be shown to keep (") && zero.getMessage().contains("divides by zero"), zero.getMessage());
        }
    }

    private static byte[] request(long[] v) {
        byte[] req = new byte[24];
        MemorySegment s = MemorySegment.ofArray(req);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, 0, (int) v[0]);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, 4, (int) v[1]);
        s.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, v[2]);
        s.set(ValueLayout.JAVA_BYTE, 16, (byte) v[3]);
        return req;
    }

    private static long u32(long v) {
        return v & 0xffff_ffffL;
    }

    private static BigInteger u64(long v) {
        return new BigInteger(Long.toUnsignedString(v));
    }
}
