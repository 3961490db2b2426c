package dev.warden.verifier.platform;

/** What a helper leaves in r0, after the kernel's {@code enum bpf_return_type}. */
public enum RetKind {
    /** A scalar (RET_INTEGER); {@link HelperPrototype#returnRange} may bound it. */
    INTEGER,
    /** Nothing the program may read (RET_VOID): r0 becomes unreadable. */
    VOID,
    /** A map value of the map in the first argument, or null (RET_PTR_TO_MAP_VALUE_OR_NULL). */
    MAP_VALUE_OR_NULL,
    /** A map value of the map in the first argument, never null (RET_PTR_TO_MAP_VALUE: {@code bpf_get_local_storage}). */
    MAP_VALUE,
    /** A referenced socket, or null; must be released (RET_PTR_TO_SOCKET_OR_NULL). */
    SOCKET_OR_NULL,
    /** A referenced TCP socket, or null (RET_PTR_TO_TCP_SOCK_OR_NULL). */
    TCP_SOCK_OR_NULL,
    /** Any referenced socket, or null (RET_PTR_TO_SOCK_COMMON_OR_NULL). */
    SOCK_COMMON_OR_NULL,
    /** Ring buffer memory of the size in the {@link ArgKind#CONST_ALLOC_SIZE_OR_ZERO} argument, or null; must be submitted or discarded. */
    ALLOC_MEM_OR_NULL,
    /**
     * Memory of a size the helper documents, or null: the {@link ArgKind#CONST_ALLOC_SIZE_OR_ZERO}
     * argument ({@code bpf_dynptr_data}) or the per-CPU variable's BTF type ({@code bpf_per_cpu_ptr},
     * read-only).
     */
    MEM_OR_NULL,
    /** Read-only memory sized by the per-CPU variable's BTF type, never null ({@code bpf_this_cpu_ptr}). */
    MEM,
    /** A kernel object typed by BTF, or null (RET_PTR_TO_BTF_ID_OR_NULL). */
    BTF_ID_OR_NULL,
    /** A kernel object typed by BTF, never null (RET_PTR_TO_BTF_ID). */
    BTF_ID,
    /** A heap object of the size in r1 (KFlex's allocator; unknown size when r1 is not a constant), or null. */
    HEAP_OR_NULL,
    /** The heap's root object ({@code KflexHelpers.ROOT_SIZE} bytes at a fixed place in the heap), never null. */
    HEAP_ROOT
}
