package dev.warden.runtime.linux;

import dev.warden.vm.Access;
import java.util.Objects;

/**
 * Memory an entry's pointer argument points to: each CPU gets its own region of exactly
 * {@code size} bytes (with unaddressable guards around it), which the host fills before a run
 * and reads back after it. {@code access} is whether the extension may write it at all; which
 * bytes it may touch is the verifier's business.
 *
 * @param name how faults name the region ({@code *r})
 */
public record ArgumentRegion(String name, long size, Access access) {
    public ArgumentRegion {
        Objects.requireNonNull(name);
        Objects.requireNonNull(access);
        if (size < 0) {
            throw new IllegalArgumentException("argument region " + name + " of " + size + " bytes");
        }
    }
}
