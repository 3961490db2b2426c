package dev.warden.verifier.eim;

import dev.warden.eim.CType;
import dev.warden.verifier.state.Value;
import java.util.Objects;

/**
 * A name in a constraint at one program point: an argument in its register, {@code rtn} in r0, or
 * {@code value} being stored, with the C type the policy gives it.
 */
public record Operand(CType type, Value value) {
    public Operand {
        Objects.requireNonNull(type);
        Objects.requireNonNull(value);
    }
}
