package dev.warden.runtime.linux;

/**
 * What an {@code sk_buff} carries besides its bytes that the packet helpers read and change, as
 * {@code BPF_PROG_TEST_RUN} builds it for a tc program: the network header right after the
 * Ethernet header, no encapsulation, no hash, {@code ip_summed == CHECKSUM_NONE}, no VLAN tag
 * outside the packet. The MAC header is always the packet's start for tc (every helper that moves
 * the start moves it too), so only the network header's offset is kept. Reset for every run.
 */
final class SkbState {
    /** {@code skb_network_offset}: the network header's offset from the packet start. */
    int networkOffset;
    /** {@code skb->encapsulation}, set by {@code bpf_skb_adjust_room}'s encapsulation flags. */
    boolean encapsulated;
    /** {@code skb->hash}. */
    int hash;
    /** Whether {@link #hash} is valid ({@code sw_hash} or {@code l4_hash}), so that {@code bpf_get_hash_recalc} keeps it. */
    boolean hashValid;
    /** {@code csum_level} while {@code ip_summed == CHECKSUM_UNNECESSARY}, or {@link #CHECKSUM_NONE}. */
    int csumLevel;
    /** The VLAN tag held outside the packet ({@code vlan_present}, {@code vlan_proto} as stored, {@code vlan_tci}). */
    boolean vlanPresent;
    int vlanProto;
    int vlanTci;

    /** {@link #csumLevel} when {@code ip_summed} is {@code CHECKSUM_NONE}. */
    static final int CHECKSUM_NONE = -1;

    void reset(int networkOffset) {
        this.networkOffset = networkOffset;
        encapsulated = false;
        hash = 0;
        hashValid = false;
        csumLevel = CHECKSUM_NONE;
        vlanPresent = false;
        vlanProto = 0;
        vlanTci = 0;
    }
}
