package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CpuArguments}: the regions by index as given (a later change to the caller's array does
 * not move them), a CPU's limit reaching that CPU, and plain regions refusing a limit.
 */
class CpuArgumentsHoldTheRegionsTest {
    @Test
    void regionsAreTheOnesGivenAndLimitsReachTheCpu() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(16);
            MemorySegment b = arena.allocate(256);
            MemorySegment[] given = {a, b};
            List<String> limited = new ArrayList<>();
            CpuArguments cpu = new CpuArguments(given, (k, bytes) -> limited.add(k + ":" + bytes));
            given[0] = b;
            assertSame(a, cpu.region(0), "a copy of the array, not the caller's");
            assertSame(b, cpu.region(1));
            cpu.limit(1, 40);
            assertEquals(List.of("1:40"), limited);

            CpuArguments plain = CpuArguments.of(a, b);
            assertSame(b, plain.region(1));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> plain.limit(1, 8));
            assertTrue(e.getMessage().contains("argument region 1 is a buffer sliced at run time"), e.getMessage());
        }
    }
}
