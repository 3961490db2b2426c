package dev.warden.verifier.platform;

import java.util.List;

/**
 * The allocation helpers of the extension heap (KFlex), read from {@code kflex-helpers.tsv} (the
 * same columns as {@code linux-helpers.tsv}). Their ids lie above every Linux helper id, at the top
 * of the helper table, so they can never be mistaken for one:
 *
 * <ul>
 *   <li>{@value #ALLOC} {@code void *kflex_alloc(u64 size)}: a zeroed heap object of {@code size}
 *       bytes, or NULL when the heap has no room (or {@code size} is 0 or above the heap);</li>
 *   <li>{@value #FREE} {@code long kflex_free(void *object)}: gives the object back; 0, or -EINVAL
 *       (-22) when {@code object} is not an object the allocator handed out and has not taken back
 *       (a double free, a pointer into the middle of one), which then changes nothing;</li>
 *   <li>{@value #ROOT} {@code void *kflex_root(void)}: the heap's root object, {@value #ROOT_SIZE}
 *       zeroed bytes at a fixed place that lives as long as the heap: where an extension keeps the
 *       roots of its data structures from one invocation to the next.</li>
 * </ul>
 */
public final class KflexHelpers {
    /** Helper id of {@code kflex_alloc}. */
    public static final int ALLOC = 65024;
    /** Helper id of {@code kflex_free}. */
    public static final int FREE = 65025;
    /** Helper id of {@code kflex_root}. */
    public static final int ROOT = 65026;
    /** Bytes of the root object. */
    public static final int ROOT_SIZE = 64;

    static final String RESOURCE = "kflex-helpers.tsv";

    private static final List<HelperPrototype> PROTOTYPES = HelperTable.parse(RESOURCE, LinuxPlatform.lines(RESOURCE));

    private KflexHelpers() {}

    /** The prototypes, by id. */
    public static List<HelperPrototype> prototypes() {
        return PROTOTYPES;
    }

    /** Whether {@code id} is one of the heap's helpers. */
    public static boolean isHeapHelper(int id) {
        return id == ALLOC || id == FREE || id == ROOT;
    }
}
