package dev.warden.runtime;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A test file of the bpf_conformance suite ({@code .data}): sections introduced by lines
 * {@code -- asm}, {@code -- raw}, {@code -- mem}, {@code -- result}, {@code -- error}, plus
 * {@code -- c} and {@code -- no register offset}, which hold prose and are ignored. Lines
 * starting with {@code #} outside a section are comments.
 *
 * <p>{@code -- raw} holds either one 64-bit little-endian instruction word per token written
 * {@code 0x...} (as in {@code lddw.data}) or one byte per token in hex ({@code 85 01 00 ...}).
 *
 * @param asm the assembly text, if the file has an {@code -- asm} section with any instruction
 * @param raw the raw program bytes, if the file has a {@code -- raw} section
 * @param memory the input memory (empty without {@code -- mem})
 * @param result the expected r0, if given
 * @param error the expected error text, if the file expects the runtime to fail (may be empty)
 */
public record ConformanceData(Optional<String> asm, Optional<byte[]> raw, byte[] memory, OptionalLong result,
        Optional<String> error) {

    /** A malformed test file; the message names the line. */
    public static final class FormatException extends Exception {
        public FormatException(String message) {
            super(message, null, false, false);
        }
    }

    private enum Section { NONE, ASM, RAW, MEM, RESULT, ERROR, IGNORED }

    /** Parses a file's text; {@code name} locates errors ("name:line: ..."). */
    public static ConformanceData parse(String name, String text) throws FormatException {
        Section section = Section.NONE;
        StringBuilder asm = new StringBuilder();
        boolean hasAsm = false;
        List<byte[]> raw = new ArrayList<>();
        boolean hasRaw = false;
        List<Byte> mem = new ArrayList<>();
        OptionalLong result = OptionalLong.empty();
        Optional<String> error = Optional.empty();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String where = name + ":" + (i + 1) + ": ";
            if (line.startsWith("--")) {
                String directive = line.substring(2).trim();
                section = switch (directive) {
                    case "asm" -> Section.ASM;
                    case "raw" -> Section.RAW;
                    case "mem" -> Section.MEM;
                    case "result" -> Section.RESULT;
                    case "error" -> Section.ERROR;
                    case "c", "no register offset" -> Section.IGNORED;
                    default -> throw new FormatException(where + "unknown section '" + line
                            + "' (expected -- asm, raw, mem, result, error, c)");
                };
                hasAsm |= section == Section.ASM;
                hasRaw |= section == Section.RAW;
                if (section == Section.ERROR) {
                    error = Optional.of("");
                }
                continue;
            }
            String body = line.strip();
            switch (section) {
                case NONE, IGNORED -> {
                    // comments and prose
                }
                case ASM -> asm.append(line).append('\n');
                case RAW -> {
                    int hash = body.indexOf('#');
                    for (String token : (hash >= 0 ? body.substring(0, hash) : body).trim().split("\\s+")) {
                        if (!token.isEmpty()) {
                            raw.add(rawToken(where, token));
                        }
                    }
                }
                case MEM -> {
                    for (String token : body.split("\\s+")) {
                        if (!token.isEmpty()) {
                            mem.add(hexByte(where, token));
                        }
                    }
                }
                case RESULT -> {
                    if (!body.isEmpty()) {
                        result = OptionalLong.of(number(where, body));
                    }
                }
                case ERROR -> {
                    if (!body.isEmpty()) {
                        error = Optional.of(line);
                    }
                }
            }
        }
        byte[] memory = new byte[mem.size()];
        for (int i = 0; i < memory.length; i++) {
            memory[i] = mem.get(i);
        }
        String asmText = asm.toString();
        boolean asmHasCode = asmText.lines().map(l -> l.replaceAll("#.*", "").strip()).anyMatch(l -> !l.isEmpty());
        return new ConformanceData(hasAsm && asmHasCode ? Optional.of(asmText) : Optional.empty(),
                hasRaw ? Optional.of(concat(raw)) : Optional.empty(), memory, result, error);
    }

    private static byte[] rawToken(String where, String token) throws FormatException {
        if (token.startsWith("0x") || token.startsWith("0X")) {
            long word;
            try {
                word = Long.parseUnsignedLong(token.substring(2), 16);
            } catch (NumberFormatException e) {
                throw new FormatException(where + "'" + token + "' is not a 64-bit hex instruction word");
            }
            byte[] b = new byte[8];
            for (int k = 0; k < 8; k++) {
                b[k] = (byte) (word >>> (8 * k));
            }
            return b;
        }
        return new byte[] {hexByte(where, token)};
    }

    private static byte hexByte(String where, String token) throws FormatException {
        String t = token.startsWith("0x") || token.startsWith("0X") ? token.substring(2) : token;
        if (t.isEmpty() || t.length() > 2 || !HexFormat.isHexDigit(t.charAt(0)) || !HexFormat.isHexDigit(t.charAt(t.length() - 1))) {
            throw new FormatException(where + "'" + token + "' is not a hex byte");
        }
        return (byte) Integer.parseInt(t, 16);
    }

    /** Hex with {@code 0x}, else decimal (possibly negative); 64 bits, as the suite writes results. */
    static long number(String where, String s) throws FormatException {
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            return s.startsWith("-") ? Long.parseLong(s) : Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            throw new FormatException(where + "'" + s + "' is not a 64-bit number");
        }
    }

    private static byte[] concat(List<byte[]> parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
