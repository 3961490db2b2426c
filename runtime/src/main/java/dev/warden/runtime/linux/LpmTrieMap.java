package dev.warden.runtime.linux;

import dev.warden.isa.elf.BpfMap;
import dev.warden.vm.Access;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code BPF_MAP_TYPE_LPM_TRIE}: longest-prefix match. A key is {@code struct bpf_lpm_trie_key}: a
 * u32 {@code prefixlen} (host order) followed by {@code key_size - 4} data bytes (network order,
 * most significant bit first). An element is identified by its prefix length and the first
 * {@code prefixlen} bits of its data; a lookup finds the element with the longest prefix
 * {@code p <= key.prefixlen} whose bits equal the key's first {@code p} bits (Linux's
 * {@code trie_lookup_elem}: the key's prefix length bounds the match; the data bits beyond an
 * element's prefix are kept as the latest update gave them and shown in listings, but never compared).
 *
 * <p>Errors as in Linux's {@code lpm_trie.c}: a prefix length over {@code 8 * (key_size - 4)}
 * is {@code -EINVAL}, flags other than {@code BPF_ANY/NOEXIST/EXIST} {@code -EINVAL}, inserting into
 * a full trie {@code -ENOSPC}, {@code BPF_NOEXIST} on a present prefix {@code -EEXIST},
 * {@code BPF_EXIST} on an absent one {@code -ENOENT}; deleting an absent prefix {@code -ENOENT}.
 *
 * <p>Not a trie: elements are kept per masked prefix, and a lookup tries the present prefix
 * lengths from the longest down, one hash lookup each (at most 33 for IPv4, 129 for IPv6). Same
 * answers, simpler code. Every operation holds the map's lock.
 */
final class LpmTrieMap extends LinuxMap {
    private final ValueSlots slots;
    private final int maxPrefix;
    /** Masked key (prefixlen + masked data) → the key as last updated and its value. */
    private final LinkedHashMap<MapKey, Element> elements = new LinkedHashMap<>();
    /** Elements per prefix length, so a lookup skips lengths nothing has. */
    private final int[] perLength;
    private final Deque<MemorySegment> free = new ArrayDeque<>();
    private int allocated;

    private record Element(byte[] key, MemorySegment value) {}

    LpmTrieMap(BpfMap m, ValueSlots slots) {
        super(m);
        if (m.keySize() <= 4 || m.keySize() > 4 + 256) {
            throw new IllegalArgumentException("map " + m.name() + ": an LPM trie's key is a u32 prefix length and 1 to 256 data"
                    + " bytes, not " + m.keySize() + " bytes in all");
        }
        this.slots = slots;
        this.maxPrefix = 8 * ((int) m.keySize() - 4);
        this.perLength = new int[maxPrefix + 1];
    }

    private static int prefixLength(byte[] key) {
        return (key[0] & 0xff) | (key[1] & 0xff) << 8 | (key[2] & 0xff) << 16 | (key[3] & 0xff) << 24;
    }

    /** The key with prefix length {@code p} and the data bits beyond {@code p} cleared. */
    private static MapKey masked(byte[] key, int p) {
        byte[] k = key.clone();
        k[0] = (byte) p;
        k[1] = (byte) (p >>> 8);
        k[2] = (byte) (p >>> 16);
        k[3] = (byte) (p >>> 24);
        for (int bit = p; bit < 8 * (k.length - 4); bit++) {
            k[4 + bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new MapKey(k);
    }

    @Override
    synchronized long lookup(byte[] key, int cpu) {
        // Linux's trie_lookup_elem returns NULL for a key whose prefix length exceeds the maximum
        // (MapOperationsAgreeWithTheKernelTest checks it against the running kernel).
        long requested = prefixLength(key) & 0xffff_ffffL;
        if (requested > maxPrefix) {
            return 0;
        }
        int p = (int) requested;
        for (int len = p; len >= 0; len--) {
            if (perLength[len] == 0) {
                continue;
            }
            Element e = elements.get(masked(key, len));
            if (e != null) {
                return e.value().address();
            }
        }
        return 0;
    }

    @Override
    synchronized long update(byte[] key, byte[] value, long flags, int cpu) {
        long mode = flags & 3;
        if (flags > BPF_EXIST || flags < 0) {
            return -Errno.EINVAL;
        }
        long p = prefixLength(key) & 0xffff_ffffL;
        if (p > maxPrefix) {
            return -Errno.EINVAL;
        }
        MapKey k = masked(key, (int) p);
        Element e = elements.get(k);
        if (e != null && mode == BPF_NOEXIST) {
            return -Errno.EEXIST;
        }
        if (e == null && mode == BPF_EXIST) {
            return -Errno.ENOENT;
        }
        if (e == null) {
            if (elements.size() >= declaration().maxEntries()) {
                return -Errno.ENOSPC;
            }
            MemorySegment v = free.pollFirst();
            if (v == null) {
                v = slots.allocate(valueSize(), Access.READ_WRITE, name() + " value " + allocated++);
            }
            e = new Element(key.clone(), v);
            elements.put(k, e);
            perLength[(int) p]++;
        } else {
            // Linux's trie_update_elem replaces the node with one holding this key, so a listing shows the
            // data bits beyond the prefix as the latest update gave them (found by ProgramsWithMapsAgreeWithTheKernelTest).
            e = new Element(key.clone(), e.value());
            elements.put(k, e);
        }
        e.value().fill((byte) 0);
        MemorySegment.copy(value, 0, e.value(), ValueLayout.JAVA_BYTE, 0, Math.min(value.length, valueSize()));
        return 0;
    }

    @Override
    synchronized long delete(byte[] key) {
        long p = prefixLength(key) & 0xffff_ffffL;
        if (p > maxPrefix) {
            return -Errno.EINVAL;
        }
        Element e = elements.remove(masked(key, (int) p));
        if (e == null) {
            return -Errno.ENOENT;
        }
        perLength[(int) p]--;
        free.addLast(e.value());
        return 0;
    }

    @Override
    synchronized void reset() {
        for (Element e : elements.values()) {
            e.value().fill((byte) 0);
            free.addLast(e.value());
        }
        elements.clear();
        java.util.Arrays.fill(perLength, 0);
    }

    @Override
    synchronized List<byte[]> valuesPerCpu(byte[] key) {
        long address = lookup(key, 0);
        for (Element e : elements.values()) {
            if (e.value().address() == address) {
                return List.of(e.value().toArray(ValueLayout.JAVA_BYTE));
            }
        }
        return List.of();
    }

    @Override
    synchronized List<MapEntry> entries() {
        List<MapEntry> out = new ArrayList<>();
        for (Map.Entry<MapKey, Element> e : elements.entrySet()) {
            out.add(new MapEntry(e.getValue().key(), e.getValue().value().toArray(ValueLayout.JAVA_BYTE)));
        }
        return out;
    }

    @Override
    boolean hasValues() {
        return true;
    }
}
