package dev.warden.runtime.linux;

import static dev.warden.runtime.linux.HelperPrograms.run;
import static dev.warden.runtime.linux.HelperPrograms.stackBytes;
import static dev.warden.runtime.linux.HelperPrograms.stackString;
import static dev.warden.runtime.linux.HelperPrograms.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.MapKind;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code bpf_snprintf}, {@code bpf_trace_printk}, {@code bpf_trace_vprintk} ({@link BpfPrintf}),
 * {@code bpf_strtol}, {@code bpf_strtoul} ({@link KernelStrtox}) and {@code bpf_strncmp} on both
 * engines, with the kernel's formatting and its -EINVAL, -ENOSPC and -ERANGE cases.
 */
class FormattingHelpersTest {
    static final BpfMap OUT = new BpfMap(0, "out", MapKind.BTF, LinuxMap.ARRAY, 4, 64, 1, 0, new byte[0]);
    static final BpfMap BIG = new BpfMap(1, "big", MapKind.BTF, LinuxMap.ARRAY, 4, 600, 1, 0, new byte[0]);

    /** A string argument: the program places it on the stack and passes its address. */
    record Text(byte[] bytes) {
        static Text of(String s) {
            return new Text(s.getBytes(StandardCharsets.ISO_8859_1));
        }
    }

    /** The address of map {@code big}'s value (a 599-byte string). */
    enum BigValue { ADDRESS }

    /** What snprintf returned and the NUL-terminated text it left in {@code out}. */
    record Formatted(long r0, String text) {}

    /**
     * Runs {@code snprintf(out value, size, fmt, args, dataLength)}: fmt at r10-240, the u64
     * arguments from r10-104, string arguments from r10-480 (32 bytes each).
     */
    static Formatted snprintf(Engine e, String fmt, int size, long dataLength, Object... args) {
        StringBuilder asm = new StringBuilder("*(u32 *)(r10 - 4) = 0\n").append(valueOfKey0(1, "r7")).append(valueOfKey0(0, "r6"));
        asm.append(stackString(fmt, 240));
        int strings = 0;
        for (int i = 0; i < args.length; i++) {
            int slot = 104 - 8 * i;
            switch (args[i]) {
                case Long v -> asm.append("r9 = ").append(v).append(" ll\n");
                case Integer v -> asm.append("r9 = ").append(v).append(" ll\n");
                case Character c -> asm.append("r9 = ").append((int) c).append('\n');
                case Text t -> {
                    int at = 480 - 32 * strings++;
                    asm.append(stackBytes(t.bytes(), at)).append("r9 = r10\nr9 += -").append(at).append('\n');
                }
                case BigValue b -> asm.append("r9 = r7\n");
                default -> throw new IllegalArgumentException(args[i].toString());
            }
            asm.append("*(u64 *)(r10 - ").append(slot).append(") = r9\n");
        }
        asm.append("r1 = r6\nr2 = ").append(size).append("\nr3 = r10\nr3 += -240\nr4 = r10\nr4 += -104\nr5 = ")
                .append(dataLength).append("\ncall 165\nexit\nr0 = 99\nexit\n");
        String program = withLast(asm.toString());
        byte[] big = new byte[600];
        Arrays.fill(big, 0, 599, (byte) 'a');
        HelperPrograms.Run r = run(e, program, LinuxProgramType.TC, List.of(OUT, BIG),
                Map.of("big", List.of(new MapEntry(u32(0), big))));
        long r0 = ((ExecResult.Returned) r.result()).r0();
        byte[] out = r.maps().get("out").stream().filter(m -> Arrays.equals(m.key(), u32(0))).findFirst()
                .map(MapEntry::value).orElse(new byte[64]);
        int end = 0;
        while (end < out.length && out[end] != 0) {
            end++;
        }
        return new Formatted(r0, new String(out, 0, end, StandardCharsets.ISO_8859_1));
    }

    /** Map {@code map}'s value of key 0 (at r10 - 4) into {@code register}; to the end when absent. */
    static String valueOfKey0(int map, String register) {
        return "r1 = map[idx:" + map + "] ll\nr2 = r10\nr2 += -4\ncall 1\nif r0 == 0 goto +LAST\n" + register + " = r0\n";
    }

    /** Resolves {@code +LAST} to the jump to the final {@code r0 = 99} (the lookups fail only if the maps are wrong). */
    static String withLast(String asm) {
        List<String> lines = asm.lines().toList();
        int slots = 0;
        List<Integer> at = new ArrayList<>();
        for (String l : lines) {
            at.add(slots);
            slots += l.endsWith(" ll") ? 2 : 1;
        }
        int last = slots - 2;
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            out.append(l.contains("+LAST") ? l.replace("LAST", Integer.toString(last - at.get(i) - 1)) : l).append('\n');
        }
        return out.toString();
    }

    static Stream<Engine> engines() {
        return HelperPrograms.engines();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void snprintfFormatsLinuxsConversionsWithFlagsAndWidths(Engine e) {
        String fmt = "%d %5u|%-4x|%08X|%+d|% d|%c|%lld|%llx|%s|%10s|%-6s|";
        Formatted f = snprintf(e, fmt, 64, 96, -5L, 7L, 0xabL, 0xbeefL, 3L, 4L, 'A', -1L, -1L, Text.of("hi"), Text.of("pad"),
                Text.of("l"));
        String expected = "-5     7|ab  |0000BEEF|+3| 4|A|-1|ffffffffffffffff|hi|       pad|l     |";
        assertEquals(new Formatted(expected.length() + 1, expected.substring(0, 63)), f);
    }

    @ParameterizedTest
    @MethodSource("engines")
    void intConversionsTakeTheLow32Bits(Engine e) {
        assertEquals(new Formatted(22, "5 4294967295 ff -1 -6"),
                snprintf(e, "%d %u %x %i %ld", 64, 40, 0x1_0000_0005L, -1L, 0x1_0000_00ffL, 0xffff_ffffL, -6L));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void pointerAndAddressConversions(Engine e) {
        byte[] v6 = new byte[16];
        for (int i = 0; i < 16; i++) {
            v6[i] = (byte) i;
        }
        assertEquals(new Formatted(64, "1.2.3.4 001.002.003.004 0001:0203:0405:0607:0809:0a0b:0c0d:0e0f"),
                snprintf(e, "%pI4 %pi4 %pI6", 64, 24, new Text(new byte[] {1, 2, 3, 4}), new Text(new byte[] {1, 2, 3, 4}),
                        new Text(v6)));
        assertEquals(new Formatted(33, "000102030405060708090a0b0c0d0e0f"), snprintf(e, "%pi6", 64, 8, new Text(v6)));
        assertEquals(new Formatted(48, "0000000000001234 0x1234 0x1234 00000000000000ff"),
                snprintf(e, "%px %ps %pB %p", 64, 32, 0x1234L, 0x1234L, 0x1234L, 0xffL));
        assertEquals(new Formatted(3, "[]"), snprintf(e, "[%s]", 64, 8, 0x10L), "an unreadable string is empty");
        assertEquals(new Formatted(5, "100%"), snprintf(e, "100%%", 64, 0));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void snprintfCutsTheTextToTheBufferAndCountsAll(Engine e) {
        assertEquals(new Formatted(7, "abc"), snprintf(e, "abcdef", 4, 0));
        assertEquals(new Formatted(7, ""), snprintf(e, "abcdef", 0, 0), "size 0 writes nothing");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void pastTheBuffersEndAPreformattedArgumentIsNeitherCountedNorConsumed(Engine e) {
        // "xx" fills a 2-byte buffer, so bstr_printf skips %pI4's text without moving past it, and
        // %d reads its first four bytes, "1.2.", as the number 0x2e322e31 = 775040561 (Linux's quirk, kept).
        assertEquals(new Formatted(13, "x"), snprintf(e, "xx%pI4 %d", 2, 16, new Text(new byte[] {1, 2, 3, 4}), 5L));
        assertEquals(new Formatted(12, "xx1.2.3.4 5"), snprintf(e, "xx%pI4 %d", 64, 16, new Text(new byte[] {1, 2, 3, 4}), 5L),
                "with room, the same format");
        assertEquals(new Formatted(9, "1.2.3.4:"), snprintf(e, "%pI4abc:", 64, 8, new Text(new byte[] {1, 2, 3, 4})),
                "letters right after a %p conversion are dropped");
    }

    static Stream<Arguments> refusedFormats() {
        return Stream.of(
                Arguments.of("%hd", 8, "h is no length modifier here"),
                Arguments.of("%d %d", 8, "more conversions than arguments"),
                Arguments.of("%d %", 8, "a trailing %"),
                Arguments.of("%.2d", 8, "no precision"),
                Arguments.of("%#x", 8, "no #"),
                Arguments.of("%sx", 8, "%s followed by a letter"),
                Arguments.of("%pZ", 8, "an unknown %p"),
                Arguments.of("%f", 8, "no floating point"),
                Arguments.of("caf\u00e9 %d", 8, "a byte outside ASCII"),
                Arguments.of("%d", 4, "data not a multiple of 8"),
                Arguments.of("%d", 104, "13 arguments"));
    }

    @ParameterizedTest
    @MethodSource("refusedFormats")
    void snprintfRefusesWhatLinuxRefuses(String fmt, int dataLength, String why) {
        Object[] args = new Object[Math.min(dataLength / 8, 12)];
        Arrays.fill(args, 1L);
        engines().forEach(e -> assertEquals(new Formatted(-22, ""), snprintf(e, fmt, 64, dataLength, args), why));
    }

    @ParameterizedTest
    @MethodSource("engines")
    void argumentsBeyondTheKernelsBufferAreENOSPC(Engine e) {
        // The 599-byte string is cut to the 511 bytes that fit the 512-byte argument buffer.
        Formatted cut = snprintf(e, "%s", 64, 8, BigValue.ADDRESS);
        assertEquals(512, cut.r0());
        assertEquals("a".repeat(63), cut.text());
        assertEquals(-28, snprintf(e, "%s%d", 64, 16, BigValue.ADDRESS, 1L).r0(), "no room left for the number");
        assertEquals(-28, snprintf(e, "%s%c", 64, 16, BigValue.ADDRESS, 'x').r0(), "nor for a character");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void traceVprintkLogsTheLineAndReturnsItsLength(Engine e) {
        String asm = stackString("n=%d s=%s", 64) + stackString("word", 96)
                + "r9 = 42\n*(u64 *)(r10 - 16) = r9\nr9 = r10\nr9 += -96\n*(u64 *)(r10 - 8) = r9\n"
                + "r1 = r10\nr1 += -64\nr2 = 10\nr3 = r10\nr3 += -16\nr4 = LEN\ncall 177\nexit\n";
        HelperPrograms.Run r = run(e, asm.replace("LEN", "16"), LinuxProgramType.TC, List.of(), Map.of());
        assertEquals(new ExecResult.Returned(11), r.result());
        assertEquals(List.of("n=42 s=word"), r.trace());
        HelperPrograms.Run refused = run(e, asm.replace("LEN", "12"), LinuxProgramType.TC, List.of(), Map.of());
        assertEquals(new ExecResult.Returned(-22), refused.result());
        assertEquals(List.of(), refused.trace());
        HelperPrograms.Run unterminated = run(e, asm.replace("LEN", "16").replace("r2 = 10", "r2 = 9"), LinuxProgramType.TC,
                List.of(), Map.of());
        assertEquals(new ExecResult.Returned(-22), unterminated.result(), "no NUL within fmt_size");
    }

    @ParameterizedTest
    @MethodSource("engines")
    void tracePrintkCutsItsLineTo511BytesAndRefusesBadFormats(Engine e) {
        String call = "r1 = r10\nr1 += -16\nr2 = 10\nr3 = 1\nr4 = 2\nr5 = 3\ncall 6\nexit\n";
        String asm = stackString("%500d%20d", 16) + call;
        HelperPrograms.Run r = run(e, asm, LinuxProgramType.TC, List.of(), Map.of());
        assertEquals(new ExecResult.Returned(520), r.result());
        assertEquals(1, r.trace().size());
        assertEquals(" ".repeat(499) + "1" + " ".repeat(11), r.trace().get(0), "the first 511 bytes of 520");
        HelperPrograms.Run refused = run(e, stackString("%d%d%d%d", 16) + call, LinuxProgramType.TC, List.of(), Map.of());
        assertEquals(new ExecResult.Returned(-22), refused.result(), "four conversions, three arguments");
    }

    enum Want { RESULT, VALUE }

    /** strtol (105) or strtoul (106) of {@code text}'s first {@code length} bytes; the result or the value written. */
    static long strto(Engine e, int helper, String text, int length, long flags, Want want) {
        String asm = stackString(text, 64) + "*(u64 *)(r10 - 72) = 77\nr1 = r10\nr1 += -64\nr2 = " + length + "\nr3 = " + flags
                + " ll\nr4 = r10\nr4 += -72\ncall " + helper + "\n" + (want == Want.VALUE ? "r0 = *(u64 *)(r10 - 72)\n" : "")
                + "exit\n";
        return ((ExecResult.Returned) run(e, asm)).r0();
    }

    static Stream<Arguments> parses() {
        return Stream.of(
                Arguments.of(105, "123", 3, 10, 3, 123),
                Arguments.of(105, "  -0x1f", 7, 0, 7, -31),
                Arguments.of(105, "0x1g", 4, 0, 3, 1),
                Arguments.of(105, "077", 3, 0, 3, 63),
                Arguments.of(105, "0x", 2, 16, -22, 0),
                Arguments.of(105, "0xz", 3, 0, 1, 0),
                Arguments.of(105, "ff", 2, 16, 2, 255),
                Arguments.of(105, "12abc", 5, 10, 2, 12),
                Arguments.of(105, "123", 2, 10, 2, 12),
                Arguments.of(105, "abc", 3, 10, -22, 0),
                Arguments.of(105, "   ", 3, 10, -22, 0),
                Arguments.of(105, "-", 1, 10, -22, 0),
                Arguments.of(105, "9223372036854775807", 19, 10, 19, Long.MAX_VALUE),
                Arguments.of(105, "9223372036854775808", 19, 10, -34, 0),
                Arguments.of(105, "-9223372036854775808", 20, 10, 20, Long.MIN_VALUE),
                Arguments.of(105, "-9223372036854775809", 20, 10, -34, 0),
                Arguments.of(105, "1", 1, 2, -22, 0),
                Arguments.of(105, "1", 1, 0x2a, -22, 0),
                Arguments.of(106, "18446744073709551615", 20, 10, 20, -1),
                Arguments.of(106, "18446744073709551616", 20, 10, -34, 0),
                Arguments.of(106, "-1", 2, 10, -22, 0),
                Arguments.of(106, "\t+5", 3, 10, -22, 0),
                Arguments.of(106, "0X7f", 4, 0, 4, 127));
    }

    @ParameterizedTest
    @MethodSource("parses")
    void strtolAndStrtoulParseAsLinux(int helper, String text, int length, long flags, long result, long value) {
        engines().forEach(e -> {
            assertEquals(result, strto(e, helper, text, length, flags, Want.RESULT), () -> text + " in " + e.name());
            assertEquals(value, strto(e, helper, text, length, flags, Want.VALUE), () -> text + " value in " + e.name());
        });
    }

    static long strncmp(Engine e, String s1, int size, String s2) {
        String asm = stackString(s1, 64) + stackString(s2, 128)
                + "r1 = r10\nr1 += -64\nr2 = " + size + "\nr3 = r10\nr3 += -128\ncall 182\nexit\n";
        return ((ExecResult.Returned) run(e, asm)).r0();
    }

    @ParameterizedTest
    @MethodSource("engines")
    void strncmpComparesLikeTheKernels(Engine e) {
        assertEquals(-1, strncmp(e, "abc", 3, "abd"));
        assertEquals(0, strncmp(e, "abc", 3, "abc"));
        assertEquals(0, strncmp(e, "abd", 2, "abc"), "only the first s1_sz bytes");
        assertEquals(1, strncmp(e, "b", 1, "a"));
        assertEquals(1, strncmp(e, "\u00ff", 1, "a"), "bytes compare unsigned");
        assertEquals(0, strncmp(e, "ab\0x", 4, "ab"), "the NUL ends the comparison");
        assertEquals(1, strncmp(e, "abc", 3, "ab"), "s2 ends first");
    }
}
