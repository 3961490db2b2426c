package dev.warden.runtime.linux;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One run's input: the packet, what the maps hold before it (by map name; maps not named are
 * empty, or zero for arrays, or their initial value for global data), and the values of the
 * environment's scalars (the virtual clock {@code bpf_ktime_get_ns} starts from, the seed of
 * {@code bpf_get_prandom_u32}, {@code bpf_get_current_pid_tgid}, the interface index).
 */
public record LinuxInput(byte[] packet, Map<String, List<MapEntry>> maps, long clockStart, long randomSeed,
                         long pidTgid, int ifindex) {
    public LinuxInput {
        packet = packet.clone();
        Map<String, List<MapEntry>> m = new LinkedHashMap<>();
        maps.forEach((k, v) -> m.put(Objects.requireNonNull(k), List.copyOf(v)));
        maps = java.util.Collections.unmodifiableMap(m);
    }

    /** A packet with empty maps and fixed scalars. */
    public static LinuxInput ofPacket(byte[] packet) {
        return new LinuxInput(packet, Map.of(), 1_000_000_000L, 0, 0x0000_2a00_0000_2a01L, 1);
    }

    @Override
    public byte[] packet() {
        return packet.clone();
    }

    public LinuxInput withMaps(Map<String, List<MapEntry>> m) {
        return new LinuxInput(packet, m, clockStart, randomSeed, pidTgid, ifindex);
    }

    public LinuxInput withScalars(long clock, long seed, long pidTgid, int ifindex) {
        return new LinuxInput(packet, maps, clock, seed, pidTgid, ifindex);
    }

    /** "packet of 14 bytes 00 11 ...; map 'counters' empty" — for witness reports. */
    public String describe(List<String> mapNames) {
        StringBuilder sb = new StringBuilder();
        sb.append("packet of ").append(packet.length).append(packet.length == 1 ? " byte" : " bytes");
        if (packet.length > 0) {
            int shown = Math.min(packet.length, 32);
            sb.append(' ').append(HexFormat.ofDelimiter(" ").formatHex(packet, 0, shown));
            if (shown < packet.length) {
                sb.append(" ...");
            }
        }
        for (String name : mapNames) {
            List<MapEntry> entries = maps.getOrDefault(name, List.of());
            sb.append("; map '").append(name).append("' ");
            if (entries.isEmpty()) {
                sb.append("empty (arrays zero)");
            } else {
                sb.append("holds ");
                for (int i = 0; i < entries.size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append(entries.get(i));
                }
            }
        }
        sb.append("; prandom seed ").append(randomSeed);
        return sb.toString();
    }
}
