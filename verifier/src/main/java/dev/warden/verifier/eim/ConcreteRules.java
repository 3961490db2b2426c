package dev.warden.verifier.eim;

import dev.warden.eim.Binding;
import dev.warden.eim.CType;
import dev.warden.eim.Declaration;
import dev.warden.eim.Expr;
import dev.warden.eim.Field;
import dev.warden.verifier.state.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A class's rules on concrete values, for a replay that runs the extension (so that the
 * {@code runtime} module need not read abstract values): what each entry argument may be, whether
 * concrete arguments of a granted call satisfy the capability's constraints, and whether a value
 * satisfies its return constraints. Constants make the constraint evaluator exact; Z3 settles
 * what it leaves open.
 */
public final class ConcreteRules implements AutoCloseable {
    private final EimPlatform eim;
    private final ConstraintProver prover = new ConstraintProver(Duration.ofMillis(200));

    public ConcreteRules(EimPlatform eim) {
        this.eim = eim;
    }

    /** One entry argument: a pointer to host object {@code region} at {@code offset}, or a scalar in {@code [lo, hi]} (signed). */
    public sealed interface Argument {
        record Pointer(int region, long offset) implements Argument {}

        record Scalar(long lo, long hi) implements Argument {}

        /** A struct passed by value, whose bytes the verifier does not model. */
        record Unmodelled() implements Argument {}
    }

    /** r1..r5 at the entry, as the verifier assumes them. */
    public List<Argument> entryArguments() {
        List<Argument> out = new ArrayList<>();
        for (Value v : eim.entryArguments()) {
            out.add(switch (v) {
                case Value.Ptr p when p.off().isConstant() -> new Argument.Pointer(p.region(), p.off().tnum().value());
                case Value.Num n -> new Argument.Scalar(n.scalar().s64().lo(), n.scalar().s64().hi());
                default -> new Argument.Unmodelled();
            });
        }
        return out;
    }

    /**
     * Why a call of {@code target} with {@code args} (r1..r5) breaks every capability the class
     * grants for it, or empty when one capability's argument constraints all hold. A constraint
     * that names a pointer parameter speaks of memory, not of the address: it is not judged here
     * (taken to hold, so that a replay never shows a break it cannot see).
     */
    public Optional<String> brokenCall(Binding target, long[] args) {
        String broken = null;
        for (Declaration.FunctionCapability cap : eim.capabilities(target)) {
            Map<String, Operand> scope = new LinkedHashMap<>();
            List<String> pointers = new ArrayList<>();
            List<Field> params = cap.prototype().parameters();
            for (int i = 0; i < params.size() && i < args.length; i++) {
                if (eim.types().layout().resolve(params.get(i).type()) instanceof CType.Scalar) {
                    scope.put(params.get(i).name(), new Operand(params.get(i).type(), Value.Num.constant(args[i])));
                } else {
                    pointers.add(params.get(i).name());
                }
            }
            Optional<Expr> failed = Optional.empty();
            for (Expr c : cap.constraints()) {
                if (ReturnConstraints.mentionsRtn(c) || pointers.stream().anyMatch(name -> ConstraintEvaluator.mentions(c, name))) {
                    continue;
                }
                if (!holds(scope, c)) {
                    failed = Optional.of(c);
                    break;
                }
            }
            if (failed.isEmpty()) {
                return Optional.empty();
            }
            List<String> values = new ArrayList<>();
            for (String name : scope.keySet()) {
                values.add(name + " = " + ((Value.Num) scope.get(name).value()).scalar().s64().lo());
            }
            broken = "call " + target.show() + " with " + String.join(", ", values) + " breaks " + failed.get().show()
                    + " of capability '" + cap.name() + "'";
        }
        return Optional.ofNullable(broken);
    }

    /** Whether {@code value} as the result of {@code target} satisfies every return constraint of its capabilities. */
    public boolean returnAllowed(Binding target, long value) {
        for (Declaration.FunctionCapability cap : eim.capabilities(target)) {
            Map<String, Operand> scope = new LinkedHashMap<>();
            scope.put("rtn", new Operand(cap.prototype().returns(), Value.Num.constant(value)));
            for (Expr c : cap.constraints()) {
                if (ReturnConstraints.mentionsRtn(c) && !holds(scope, c)) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean holds(Map<String, Operand> scope, Expr c) {
        return prover.check(eim.types(), scope, MemoryOracle.NONE, c) instanceof ConstraintProver.Verdict.Holds;
    }

    @Override
    public void close() {
        prover.close();
    }
}
