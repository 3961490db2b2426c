package dev.warden.verifier.state;

/** What a pointer points into; each kind has its own access rules. */
public enum PtrKind {
    /** The program's context ({@code region} -1 when the program type is unknown). */
    CTX,
    /** A stack frame; {@code region} is the frame's depth (0 for the entry function), offsets are relative to its r10. */
    STACK,
    /** A map itself (for helper arguments); {@code region} is the map index, -1 for a map not known statically. */
    MAP,
    /** A value of map {@code region} (global data included); offsets count from the value's first byte. */
    MAP_VALUE,
    /** Packet data; offsets count from {@code data}. */
    PACKET,
    /** One past the packet's last byte. */
    PACKET_END,
    /** Packet metadata ({@code data_meta}). */
    PACKET_META,
    /** Memory a helper returned; {@code region} is its size in bytes (ring buffer records carry a reference). */
    MEM,
    /**
     * A kernel object whose readable fields are platform data ({@code Platform.objectLayout}):
     * {@code region} is the ordinal of its {@code platform.ObjectKind} (a full socket, any socket, a
     * TCP socket, an XDP socket, the flow dissector's keys).
     */
    SOCKET,
    /**
     * A kernel object typed by BTF, as the kernel or a helper handed it to the program (the kernel's
     * PTR_TO_BTF_ID, trusted): {@code region} is the id of its struct or union in the target BTF, 0
     * when not known (nothing may then be read through it). It may be passed to helpers that take
     * that struct.
     */
    BTF_ID,
    /**
     * A kernel object typed by BTF that the program reached by loading a pointer field of another
     * (the kernel's PTR_UNTRUSTED): readable like {@link #BTF_ID}, but never passed to a helper,
     * since nothing keeps it alive. {@code region} is its struct's id in the target BTF.
     */
    BTF_UNTRUSTED,
    /**
     * Half of a dynptr (16 bytes on the stack, kept as two 8-byte spills with the same {@code id}
     * and {@code off} 0 and 8): {@code region} is {@link #DYNPTR_LOCAL} or {@link #DYNPTR_RINGBUF};
     * {@code ref} is the ring buffer reservation it holds. Never in a register: a load of its bytes
     * gives a number, so the program cannot copy or forge one.
     */
    DYNPTR,
    /** A function of the program; {@code region} is its pc. */
    FUNC,
    /**
     * An iterator's key ({@code region} {@link #ITER_KEY}, read-only) or value ({@link #ITER_VALUE})
     * buffer, sized by the map the iterator is attached to: accesses are not bounded here but
     * recorded, and the attachment must check the map against the largest extent (as the kernel does).
     */
    ITER_BUF,
    /**
     * Memory a {@code .text} function's pointer parameter gives it (verified on its own, typed by
     * BTF, as the kernel does with global functions): {@code region} is the pointee's size in bytes;
     * readable and writable.
     */
    ARG_MEM,
    /**
     * Host memory an EIM class exposes (an entry argument's pointee, a host variable): {@code region}
     * indexes the class's {@link dev.warden.verifier.eim.EimPlatform#objects()}; each byte may be read
     * or written only as the class grants.
     */
    HOST,
    /**
     * The extension's own heap (KFlex, when the platform has one): {@code region} is the size of the
     * object the allocator handed out (offsets count from its first byte), 0 for an address in the
     * heap not known to be an object's (a number used as an address). Loads and stores through it
     * are proved inside the object or else confined to the heap by the runtime's guard.
     */
    HEAP;

    /** {@link #ITER_BUF} regions. */
    public static final int ITER_KEY = 0;
    public static final int ITER_VALUE = 1;

    /** {@link #DYNPTR} regions: over program memory ({@code bpf_dynptr_from_mem}), or a ring buffer record. */
    public static final int DYNPTR_LOCAL = 0;
    public static final int DYNPTR_RINGBUF = 1;
}
