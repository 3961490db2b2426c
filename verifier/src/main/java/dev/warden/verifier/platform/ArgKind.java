package dev.warden.verifier.platform;

/**
 * What a helper expects in one argument register, after the kernel's {@code enum bpf_arg_type}
 * (include/linux/bpf.h). Memory arguments followed by a size argument form a pair: the size is
 * the next register's value, unless {@link HelperPrototype#fixedSize} gives the argument a fixed
 * size (ARG_PTR_TO_FIXED_SIZE_MEM), in which case no size argument follows.
 */
public enum ArgKind {
    /** Any initialised value, pointer or scalar (ARG_ANYTHING). */
    ANYTHING,
    /** A scalar (ARG_ANYTHING used for plain numbers: flags, ids). */
    SCALAR,
    /** A map pointer from a map load (ARG_CONST_MAP_PTR). */
    CONST_MAP_PTR,
    /** Readable memory of the map's key size (ARG_PTR_TO_MAP_KEY). */
    PTR_TO_MAP_KEY,
    /** Readable memory of the map's value size (ARG_PTR_TO_MAP_VALUE). */
    PTR_TO_MAP_VALUE,
    /** Like {@link #PTR_TO_MAP_VALUE}, or null (ARG_PTR_TO_MAP_VALUE_OR_NULL: local storage initial values). */
    PTR_TO_MAP_VALUE_OR_NULL,
    /** Writable memory of the map's value size the helper fills (ARG_PTR_TO_UNINIT_MAP_VALUE: pop, peek). */
    PTR_TO_UNINIT_MAP_VALUE,
    /** Readable memory whose size is the next argument (ARG_PTR_TO_MEM | MEM_RDONLY). */
    PTR_TO_MEM,
    /** Like {@link #PTR_TO_MEM}, or null (PTR_MAYBE_NULL). */
    PTR_TO_MEM_OR_NULL,
    /** Writable memory the helper fills, size the next argument; need not be initialised (MEM_UNINIT). */
    PTR_TO_UNINIT_MEM,
    /**
     * Memory the helper reads and writes, size the next argument: initialised and writable
     * (ARG_PTR_TO_MEM | MEM_WRITE without MEM_UNINIT, for example {@code bpf_fib_lookup}'s params).
     */
    PTR_TO_WRITABLE_MEM,
    /** Like {@link #PTR_TO_WRITABLE_MEM}, or null ({@code bpf_snprintf}'s output, {@code bpf_read_branch_records}). */
    PTR_TO_WRITABLE_MEM_OR_NULL,
    /** A size for the previous memory argument, known bounded, at least 1 (ARG_CONST_SIZE). */
    CONST_SIZE,
    /** A size for the previous memory argument, may be 0 (ARG_CONST_SIZE_OR_ZERO). */
    CONST_SIZE_OR_ZERO,
    /** A size for a ring buffer reservation (ARG_CONST_ALLOC_SIZE_OR_ZERO). */
    CONST_ALLOC_SIZE_OR_ZERO,
    /** The program's context pointer, unmodified (ARG_PTR_TO_CTX). */
    PTR_TO_CTX,
    /** The context pointer or null. */
    PTR_TO_CTX_OR_NULL,
    /** Writable 8 bytes (ARG_PTR_TO_LONG). */
    PTR_TO_LONG,
    /** Writable 4 bytes (ARG_PTR_TO_INT). */
    PTR_TO_INT,
    /** A referenced socket returned by a lookup helper (ARG_PTR_TO_SOCKET). */
    PTR_TO_SOCKET,
    /** Any socket kind (ARG_PTR_TO_SOCK_COMMON / ARG_PTR_TO_BTF_ID_SOCK_COMMON). */
    PTR_TO_SOCK_COMMON,
    /** A kernel object pointer typed by BTF (ARG_PTR_TO_BTF_ID). */
    PTR_TO_BTF_ID,
    /** Like {@link #PTR_TO_BTF_ID}, or null (ARG_PTR_TO_BTF_ID_OR_NULL). */
    PTR_TO_BTF_ID_OR_NULL,
    /** Memory returned by {@code bpf_ringbuf_reserve} (ARG_PTR_TO_RINGBUF_MEM); releases it. */
    PTR_TO_ALLOC_MEM,
    /** A {@code struct bpf_spin_lock} inside a map value (ARG_PTR_TO_SPIN_LOCK). */
    PTR_TO_SPIN_LOCK,
    /** A {@code struct bpf_timer} inside a map value (ARG_PTR_TO_TIMER). */
    PTR_TO_TIMER,
    /** A callback function (ARG_PTR_TO_FUNC). */
    PTR_TO_FUNC,
    /** A pointer to the stack (ARG_PTR_TO_STACK), or null when OR_NULL. */
    PTR_TO_STACK_OR_NULL,
    /** A NUL-terminated string in read-only map data (ARG_PTR_TO_CONST_STR). */
    PTR_TO_CONST_STR,
    /** An initialised dynptr on the stack (ARG_PTR_TO_DYNPTR). */
    PTR_TO_DYNPTR,
    /** Stack slots the helper initialises as a dynptr (ARG_PTR_TO_DYNPTR | MEM_UNINIT). */
    PTR_TO_UNINIT_DYNPTR,
    /** A per-CPU kernel variable typed by BTF (ARG_PTR_TO_PERCPU_BTF_ID). */
    PTR_TO_PERCPU_BTF_ID,
    /** A kptr field of a map value (ARG_PTR_TO_KPTR). */
    PTR_TO_KPTR,
    /**
     * A heap address (KFlex's {@code kflex_free}): a heap pointer, a number (heap pointers loaded back
     * from the heap are numbers) or null; never a pointer to other memory. The helper itself checks
     * that it is an object's.
     */
    HEAP_ADDRESS
}
