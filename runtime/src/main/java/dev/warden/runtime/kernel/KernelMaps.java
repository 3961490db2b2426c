package dev.warden.runtime.kernel;

import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.elf.BpfMap;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Kernel maps made for one load of an object's program, closed together. */
final class KernelMaps implements AutoCloseable {
    private final List<Integer> fds = new ArrayList<>();

    private KernelMaps() {}

    static KernelMaps create(List<BpfMap> declarations) {
        KernelMaps maps = new KernelMaps();
        try (Arena arena = Arena.ofConfined()) {
            for (BpfMap m : declarations) {
                MemorySegment attr = arena.allocate(Bpf.ATTR_SIZE, 8);
                attr.set(ValueLayout.JAVA_INT, Bpf.MAP_TYPE, m.type());
                attr.set(ValueLayout.JAVA_INT, Bpf.MAP_KEY_SIZE, (int) m.keySize());
                attr.set(ValueLayout.JAVA_INT, Bpf.MAP_VALUE_SIZE, (int) m.valueSize());
                attr.set(ValueLayout.JAVA_INT, Bpf.MAP_MAX_ENTRIES, (int) maxEntries(m));
                attr.set(ValueLayout.JAVA_INT, Bpf.MAP_FLAGS, (int) m.flags());
                // The kernel accepts only [A-Za-z0-9_.] in map names, at most 15 characters.
                String name = m.name().replaceAll("[^A-Za-z0-9_.]", "_");
                byte[] n = name.substring(0, Math.min(name.length(), 15)).getBytes(StandardCharsets.US_ASCII);
                MemorySegment.copy(n, 0, attr, ValueLayout.JAVA_BYTE, Bpf.MAP_NAME, n.length);
                Bpf.Ret r = Bpf.call(Bpf.BPF_MAP_CREATE, attr);
                if (r.failed()) {
                    maps.close();
                    throw new IllegalStateException("BPF_MAP_CREATE of map " + m.name() + " (" + m.typeName() + "): "
                            + Bpf.describe(r.errno()));
                }
                maps.fds.add((int) r.value());
            }
        }
        return maps;
    }

    /**
     * A perf event array declared without {@code max_entries} gets one slot per possible CPU, as
     * libbpf sizes it at load time; the kernel refuses 0.
     */
    private static long maxEntries(BpfMap m) {
        if (m.type() == BPF_MAP_TYPE_PERF_EVENT_ARRAY && m.maxEntries() == 0) {
            return Runtime.getRuntime().availableProcessors();
        }
        return m.maxEntries();
    }

    private static final int BPF_MAP_TYPE_PERF_EVENT_ARRAY = 4;

    /**
     * Puts program {@code programFd} in slot {@code slot} of program array {@code mapIndex} (only
     * {@code bpf()} fills one, as the host does for Warden's). Throws {@link IllegalStateException}
     * when the kernel refuses.
     */
    void setProgram(int mapIndex, int slot, int programFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(ValueLayout.JAVA_INT);
            key.set(ValueLayout.JAVA_INT, 0, slot);
            MemorySegment value = arena.allocate(ValueLayout.JAVA_INT);
            value.set(ValueLayout.JAVA_INT, 0, programFd);
            MemorySegment attr = arena.allocate(Bpf.ATTR_SIZE, 8);
            attr.set(ValueLayout.JAVA_INT, Bpf.ELEM_MAP_FD, fds.get(mapIndex));
            attr.set(ValueLayout.JAVA_LONG, Bpf.ELEM_KEY, key.address());
            attr.set(ValueLayout.JAVA_LONG, Bpf.ELEM_VALUE, value.address());
            attr.set(ValueLayout.JAVA_LONG, Bpf.ELEM_FLAGS, 0);
            Bpf.Ret r = Bpf.call(Bpf.BPF_MAP_UPDATE_ELEM, attr);
            if (r.failed()) {
                throw new IllegalStateException("BPF_MAP_UPDATE_ELEM of slot " + slot + " of map " + mapIndex + ": " + Bpf.describe(r.errno()));
            }
        }
    }

    /** The maps' file descriptors, in declaration order. */
    List<Integer> fds() {
        return List.copyOf(fds);
    }

    /** The program with map references by index turned into references by these maps' descriptors. */
    Program patch(Program program) {
        List<Instruction> out = new ArrayList<>(program.size());
        for (Instruction insn : program.instructions()) {
            if (insn instanceof Instruction.LoadImm64 l && l.imm() >= 0 && l.imm() < fds.size()) {
                int fd = fds.get(l.imm());
                out.add(switch (l.pseudo()) {
                    case MAP_IDX -> new Instruction.LoadImm64(l.dst(), Pseudo.MAP_FD, fd, 0);
                    case MAP_IDX_VALUE -> new Instruction.LoadImm64(l.dst(), Pseudo.MAP_VALUE, fd, l.nextImm());
                    default -> l;
                });
            } else {
                out.add(insn);
            }
        }
        try {
            return Program.of(out);
        } catch (InvalidProgramException e) {
            throw new AssertionError("same slots, same control flow", e);
        }
    }

    @Override
    public void close() {
        for (int fd : fds) {
            Bpf.close(fd);
        }
        fds.clear();
    }
}
