package dev.warden.runtime.kernel;

import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.MapKind;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/** Kernel maps made for one load of an object's program, closed together. */
final class KernelMaps implements AutoCloseable {
    private final List<Integer> fds = new ArrayList<>();
    private final List<BpfMap> declarations = new ArrayList<>();
    private final List<Integer> btfFds = new ArrayList<>();

    private KernelMaps() {}

    static KernelMaps create(List<BpfMap> declarations) {
        return create(declarations, m -> Optional.empty());
    }

    /** A special field of a map's value the kernel must be told of through BTF: its struct's name and size, its offset. */
    private record Field(String struct, int size, int offset) {}

    /**
     * The object's maps; one whose value holds a {@code bpf_spin_lock} or a {@code bpf_timer} is
     * created with BTF that describes it ({@link SpinLockFields}), as the kernel requires before a
     * program may take the lock or use the timer (a value with both is described with its lock only).
     */
    static KernelMaps create(BpfObject object) {
        return create(object.maps(), m -> {
            OptionalInt lock = SpinLockFields.offset(object, m);
            if (lock.isPresent()) {
                return Optional.of(new Field("bpf_spin_lock", 4, lock.getAsInt()));
            }
            OptionalInt timer = SpinLockFields.timerOffset(object, m);
            return timer.isPresent() ? Optional.of(new Field("bpf_timer", 16, timer.getAsInt())) : Optional.empty();
        });
    }

    private static KernelMaps create(List<BpfMap> declarations, Function<BpfMap, Optional<Field>> special) {
        KernelMaps maps = new KernelMaps();
        try (Arena arena = Arena.ofConfined()) {
            for (BpfMap m : declarations) {
                MemorySegment attr = arena.allocate(Bpf.ATTR_SIZE, 8);
                Optional<Field> field = special.apply(m);
                if (field.isPresent()) {
                    try {
                        maps.btfFds.add(describe(attr, m, field.get()));
                    } catch (IllegalStateException e) {
                        maps.close();
                        throw new IllegalStateException("BTF for map " + m.name() + "'s " + field.get().struct() + ": "
                                + e.getMessage(), e);
                    }
                }
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
                maps.declarations.add(m);
                initialise(arena, (int) r.value(), m);
            }
        }
        return maps;
    }

    /**
     * Loads BTF for a map whose value has a special field (a spin lock, a timer): the key an
     * integer of its size (an array of bytes when no integer fits), the value a struct of its size
     * with the field's struct as its one member; sets the map's BTF fields in {@code attr}. Returns
     * the BTF's descriptor, closed with the maps.
     */
    private static int describe(MemorySegment attr, BpfMap m, Field field) {
        MinimalBtf btf = new MinimalBtf();
        int u32 = btf.integer("unsigned int", 4);
        int key = switch ((int) m.keySize()) {
            case 4 -> u32;
            case 1, 2, 8, 16 -> btf.integer("key", (int) m.keySize());
            default -> btf.array(btf.integer("unsigned char", 1), u32, (int) m.keySize());
        };
        // The kernel finds the field by its struct's name and size; the members inside do not matter.
        int inner = field.size() == 4 ? u32 : btf.integer("unsigned long long", 8);
        int special = btf.struct(field.struct(), field.size(), "opaque", inner, 0);
        int value = btf.struct("value", (int) m.valueSize(), "field", special, field.offset());
        int fd = btf.load();
        attr.set(ValueLayout.JAVA_INT, Bpf.MAP_BTF_FD, fd);
        attr.set(ValueLayout.JAVA_INT, Bpf.MAP_BTF_KEY_TYPE_ID, key);
        attr.set(ValueLayout.JAVA_INT, Bpf.MAP_BTF_VALUE_TYPE_ID, value);
        return fd;
    }

    /**
     * Global data starts with its section's bytes and {@code .rodata} is frozen afterwards, as
     * libbpf does: without the bytes a {@code .data} variable would read as zero, and a frozen
     * {@code .rodata} is what lets the kernel's verifier treat its loads as constants.
     */
    private static void initialise(Arena arena, int fd, BpfMap m) {
        byte[] initial = m.initialValue();
        if (m.kind() != MapKind.GLOBAL_DATA || m.valueSize() == 0) {
            return;
        }
        MemorySegment key = arena.allocate(4, 8);
        MemorySegment value = arena.allocate(m.valueSize(), 8);
        MemorySegment.copy(initial, 0, value, ValueLayout.JAVA_BYTE, 0, (int) Math.min(initial.length, m.valueSize()));
        MemorySegment attr = arena.allocate(Bpf.ATTR_SIZE, 8);
        attr.set(ValueLayout.JAVA_INT, Bpf.ELEM_MAP_FD, fd);
        attr.set(ValueLayout.JAVA_LONG, Bpf.ELEM_KEY, key.address());
        attr.set(ValueLayout.JAVA_LONG, Bpf.ELEM_VALUE, value.address());
        Bpf.Ret r = Bpf.call(Bpf.BPF_MAP_UPDATE_ELEM, attr);
        if (r.failed()) {
            throw new IllegalStateException("initialising map " + m.name() + ": " + Bpf.describe(r.errno()));
        }
        if ((m.flags() & BPF_F_RDONLY_PROG) != 0) {
            MemorySegment freeze = arena.allocate(Bpf.ATTR_SIZE, 8);
            freeze.set(ValueLayout.JAVA_INT, Bpf.ELEM_MAP_FD, fd);
            Bpf.Ret f = Bpf.call(Bpf.BPF_MAP_FREEZE, freeze);
            if (f.failed()) {
                throw new IllegalStateException("freezing map " + m.name() + ": " + Bpf.describe(f.errno()));
            }
        }
    }

    private static final long BPF_F_RDONLY_PROG = 0x80;

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

    /** The maps' declarations, in the order of {@link #fds()}. */
    List<BpfMap> declarations() {
        return List.copyOf(declarations);
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
        declarations.clear();
        for (int fd : btfFds) {
            Bpf.close(fd);
        }
        btfFds.clear();
    }
}
