package dev.warden.runtime.linux;

/**
 * A {@code bpf_timer} left armed: in map {@code map}'s element {@code key}, {@code offset} bytes
 * into its value, started with {@code nsecs} and {@code flags} ({@code BPF_F_TIMER_ABS} 1,
 * {@code BPF_F_TIMER_CPU_PIN} 2) as the program passed them. What {@code warden exec} reports: it
 * runs a program once, so a timer armed at exit never fires there.
 */
public record ArmedTimer(String map, byte[] key, long offset, long nsecs, long flags) {
    public ArmedTimer {
        key = key.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ArmedTimer a && a.map.equals(map) && java.util.Arrays.equals(a.key, key) && a.offset == offset
                && a.nsecs == nsecs && a.flags == flags;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(map, java.util.Arrays.hashCode(key), offset, nsecs, flags);
    }

    @Override
    public String toString() {
        return "map " + map + " key " + java.util.HexFormat.of().formatHex(key) + " offset " + offset + ": "
                + ((flags & BpfTimers.BPF_F_TIMER_ABS) != 0 ? "at " : "in ") + Long.toUnsignedString(nsecs) + " ns";
    }
}
