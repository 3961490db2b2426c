package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import dev.warden.mpk.IsolationMode;
import dev.warden.vm.Memory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The maps of one object, in index order, and the handle each has in a register.
 *
 * <p><b>Handles.</b> A {@code MAP_IDX} load gives the program a map "pointer" the helpers take
 * back. Here it is {@code 0x800 + 8 * index}: an address in page zero, which no region ever holds
 * (Linux maps nothing there), so a program that dereferences it faults, and a helper given
 * anything else faults with {@link dev.warden.vm.FaultKind#HELPER_FAILED}.
 */
final class LinuxMaps implements AutoCloseable {
    static final long HANDLE_BASE = 0x800;
    static final int MAX_MAPS = 256;

    private final ValueSlots slots;
    private final List<LinuxMap> maps = new ArrayList<>();
    private final int cpus;
    /** The timers in this version's map values; until {@link #useTimers}, timers that never fire. */
    private volatile BpfTimers timers;

    /** The maps of one object, for one run at a time (one CPU). */
    LinuxMaps(List<BpfMap> declarations) {
        this(declarations, 1);
    }

    /**
     * The maps of one object for {@code cpus} runs at once: per-CPU maps get that many values.
     *
     * @throws IllegalArgumentException naming the map whose declaration Linux would refuse too
     */
    LinuxMaps(List<BpfMap> declarations, int cpus) {
        this(declarations, cpus, IsolationMode.NONE);
    }

    /** The same with the values isolated by {@code mode} outside runs ({@link ValueSlots#ValueSlots(IsolationMode)}). */
    LinuxMaps(List<BpfMap> declarations, int cpus, IsolationMode mode) {
        this(declarations, cpus, new ValueSlots(mode), m -> Optional.empty());
    }

    /**
     * The maps of a new version of an object that keeps maps of the previous one: {@code keep}
     * gives, for a declaration, the map to keep (same name and definition), or empty for a new
     * one. The maps' memory is {@code slots}, shared with the previous version (this takes a
     * reference to it; {@link #close} gives it back).
     */
    LinuxMaps(List<BpfMap> declarations, int cpus, ValueSlots slots, java.util.function.Function<BpfMap, Optional<LinuxMap>> keep) {
        if (cpus < 1) {
            throw new IllegalArgumentException("at least one CPU, not " + cpus);
        }
        if (declarations.size() > MAX_MAPS) {
            throw new IllegalArgumentException("an object may declare at most " + MAX_MAPS + " maps, not " + declarations.size());
        }
        MapLimits.checkObject(declarations, cpus);
        this.cpus = cpus;
        this.slots = slots.retain();
        // Creating a map may write its values (global data's initial bytes): the host's write.
        MapProtection protection = slots.protection();
        try {
            for (int i = 0; i < declarations.size(); i++) {
                BpfMap m = declarations.get(i);
                if (m.index() != i) {
                    throw new IllegalArgumentException("map " + m.name() + " has index " + m.index() + ", expected " + i);
                }
                maps.add(keep.apply(m).orElseGet(() -> protection.writeAndGet(() -> LinuxMap.create(m, this.slots, cpus))));
            }
        } catch (RuntimeException e) {
            this.slots.close(); // give back the reference taken above
            throw e;
        }
        this.timers = new BpfTimers(TimerClock.SYSTEM, BpfTimers.NEVER, "unattached");
        timers.listenTo(maps);
    }

    /** The timers of this version's programs. */
    BpfTimers timers() {
        return timers;
    }

    /** Has timers fire through {@code firing} on {@code clock} (before any program runs). */
    void useTimers(TimerClock clock, BpfTimers.Firing firing, String name) {
        timers.close();
        BpfTimers t = new BpfTimers(clock, firing, name);
        t.listenTo(maps);
        timers = t;
    }

    long handle(int index) {
        return HANDLE_BASE + 8L * index;
    }

    Optional<LinuxMap> byHandle(long handle) {
        long d = handle - HANDLE_BASE;
        if (d < 0 || (d & 7) != 0 || d / 8 >= maps.size()) {
            return Optional.empty();
        }
        return Optional.of(maps.get((int) (d / 8)));
    }

    Optional<LinuxMap> byIndex(int index) {
        return index >= 0 && index < maps.size() ? Optional.of(maps.get(index)) : Optional.empty();
    }

    Optional<LinuxMap> byName(String name) {
        return maps.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    List<LinuxMap> all() {
        return List.copyOf(maps);
    }

    /** Whether a map of this object keeps memory in {@link #slots} that runs write (values, ring buffers, queue and stack rings). */
    boolean holdValues() {
        return maps.stream().anyMatch(m -> m.hasValues() || m instanceof RingBufMap || m instanceof QueueStackMap);
    }

    void attach(Memory memory) {
        slots.attach(memory);
    }

    int cpus() {
        return cpus;
    }

    ValueSlots slots() {
        return slots;
    }

    /** Every map back to its state at creation (the host's write, outside runs). */
    void reset() {
        slots.protection().write(() -> {
            maps.forEach(LinuxMap::reset);
            return 0;
        });
    }

    @Override
    public void close() {
        timers.close();
        slots.close(); // frees the memory when the last version using it closes
    }
}
