package dev.warden.runtime.linux;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.jit.JitEngine;
import dev.warden.runtime.Interpreter;
import dev.warden.vm.Engine;
import dev.warden.vm.ExecResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Runs small assembled programs that call helpers, on either engine, for the helper tests. */
final class HelperPrograms {
    private HelperPrograms() {}

    static Stream<Engine> engines() {
        return Stream.of(new Interpreter(), new JitEngine());
    }

    /** A finished run: its result and the maps after it. */
    record Run(ExecResult result, Map<String, List<MapEntry>> maps, List<String> trace) {}

    static Run run(Engine engine, String asm, LinuxProgramType type, List<BpfMap> maps, Map<String, List<MapEntry>> seed) {
        BpfProgram p;
        try {
            p = new BpfProgram("prog", type.name(), Assembler.assemble(asm), List.of(), List.of(), List.of());
        } catch (dev.warden.isa.asm.AssemblyException e) {
            throw new AssertionError("the test's program does not assemble: " + e.getMessage() + "\n" + asm, e);
        }
        try (LinuxEnvironment env = LinuxEnvironment.load(new BpfObject(List.of(), List.of(p), maps, "GPL"), p, type,
                1_000_000, engine)) {
            ExecResult r = env.run(LinuxInput.ofPacket(new byte[64]).withMaps(seed), MapsBefore.FROM_INPUT);
            return new Run(r, env.maps(), env.traceLog());
        }
    }

    static ExecResult run(Engine engine, String asm) {
        return run(engine, asm, LinuxProgramType.TC, List.of(), Map.of()).result();
    }

    /**
     * Stores {@code s} and a NUL (zero-padded to whole u64s) on the stack from {@code r10 - offset}
     * upwards, with r9 as scratch; {@code offset} must leave room for it.
     */
    static String stackBytes(byte[] s, int offset) {
        byte[] padded = new byte[(s.length + 8) / 8 * 8];
        System.arraycopy(s, 0, padded, 0, s.length);
        if (padded.length > offset) {
            throw new IllegalArgumentException(padded.length + " bytes do not fit below r10 - " + offset);
        }
        ByteBuffer b = ByteBuffer.wrap(padded).order(ByteOrder.LITTLE_ENDIAN);
        StringBuilder asm = new StringBuilder();
        for (int i = 0; i < padded.length; i += 8) {
            asm.append("r9 = 0x").append(Long.toHexString(b.getLong(i))).append(" ll\n")
                    .append("*(u64 *)(r10 - ").append(offset - i).append(") = r9\n");
        }
        return asm.toString();
    }

    static String stackString(String s, int offset) {
        return stackBytes(s.getBytes(StandardCharsets.ISO_8859_1), offset);
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }
}
