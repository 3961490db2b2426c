package dev.warden.cli;

import dev.warden.isa.Decoder;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.Program;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfFormatException;
import dev.warden.isa.elf.ElfReader;
import dev.warden.vm.Engine;
import dev.warden.vm.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Shared by {@code exec} and {@code conformance-plugin}: programs, memory and engines from user input. */
final class ProgramInputs {
    private ProgramInputs() {}

    /** Bytes written as hex: pairs of digits, optionally {@code 0x}-prefixed, separated or not by white space. */
    static byte[] hex(String what, String text) {
        List<Byte> out = new ArrayList<>();
        String[] tokens = text.trim().isEmpty() ? new String[0] : text.trim().split("[\\s,]+");
        for (int t = 0; t < tokens.length; t++) {
            String token = tokens[t];
            String digits = token.startsWith("0x") || token.startsWith("0X") ? token.substring(2) : token;
            if (digits.isEmpty() || digits.length() % 2 != 0) {
                throw new UserError(what + ": token " + (t + 1) + " '" + token + "' is not a whole number of hex bytes");
            }
            for (int i = 0; i < digits.length(); i += 2) {
                int hi = Character.digit(digits.charAt(i), 16);
                int lo = Character.digit(digits.charAt(i + 1), 16);
                if (hi < 0 || lo < 0) {
                    throw new UserError(what + ": token " + (t + 1) + " '" + token + "' is not hex");
                }
                out.add((byte) (hi << 4 | lo));
            }
        }
        byte[] b = new byte[out.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = out.get(i);
        }
        return b;
    }

    /** Decodes raw program bytes, turning decoding errors into one located message. */
    static Program decode(String what, byte[] bytes) {
        try {
            return Decoder.decode(bytes);
        } catch (InvalidProgramException e) {
            throw new UserError(what + ": invalid program:\n  " + e.getMessage().replace("\n", "\n  "));
        }
    }

    static boolean isElf(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F';
    }

    /**
     * The program of an ELF object: the one named {@code name} (program or section name) if given,
     * else the only one (or the first, in section order, if {@code first} is allowed).
     */
    static Program fromElf(String what, byte[] bytes, Optional<String> name) {
        return objectProgram(what, bytes, name).program().program();
    }

    /** An object and the program of it that {@link #fromElf} would pick. */
    record ObjectProgram(BpfObject object, BpfProgram program) {}

    static ObjectProgram objectProgram(String what, byte[] bytes, Optional<String> name) {
        BpfObject object;
        try {
            object = ElfReader.read(bytes);
        } catch (ElfFormatException e) {
            throw new UserError(what + ": invalid ELF object:\n  " + e.getMessage().replace("\n", "\n  "));
        }
        List<BpfProgram> programs = object.programs();
        if (programs.isEmpty()) {
            throw new UserError(what + ": the object has no program");
        }
        if (name.isPresent()) {
            for (BpfProgram p : programs) {
                if (p.name().equals(name.get()) || p.section().equals(name.get())) {
                    return new ObjectProgram(object, p);
                }
            }
            throw new UserError(what + ": no program or section '" + name.get() + "'; the object has "
                    + programs.stream().map(p -> p.name() + " (" + p.section() + ")").toList());
        }
        return new ObjectProgram(object, programs.getFirst());
    }

    static Engine engine(String name) {
        return Engines.find(name).orElseThrow(() -> new UserError("no engine '" + name + "'; available: "
                + String.join(", ", Engines.names())));
    }
}
