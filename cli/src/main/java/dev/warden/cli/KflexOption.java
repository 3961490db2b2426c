package dev.warden.cli;

import dev.warden.verifier.platform.Platform;
import java.util.Optional;

/** {@code --heap BYTES} (KFlex): the platform with an extension heap of that size, checked. */
final class KflexOption {
    private KflexOption() {}

    /** {@code platform} with the heap, or unchanged without the option; a bad size is a user error. */
    static Platform apply(Platform platform, Optional<Long> heap) {
        if (heap.isEmpty()) {
            return platform;
        }
        return platform.withHeap(size(heap.get()));
    }

    /** The heap size, checked: a power of two from 256 bytes to 1 GiB. */
    static long size(long bytes) {
        if (bytes < 256 || bytes > (1L << 30) || Long.bitCount(bytes) != 1) {
            throw new UserError("--heap must be a power of two from 256 to 1073741824 bytes, not " + bytes, 2);
        }
        return bytes;
    }
}
