package dev.warden.verifier.transfer;

import dev.warden.domains.Scalar;
import dev.warden.eim.AccessOp;
import dev.warden.eim.Expr;
import dev.warden.isa.elf.LineInfo;
import dev.warden.isa.elf.Relocation;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.eim.ConstraintProver;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.verifier.eim.HostObject;
import dev.warden.verifier.eim.Operand;
import dev.warden.verifier.eim.PointerField;
import dev.warden.verifier.eim.PolicyWords;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Nullness;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accesses to host memory under an EIM class: every byte read must lie in a {@code read} grant,
 * every byte written in a {@code write} grant, and a store into a field whose write capability
 * constrains {@code value} must store a value that satisfies the constraints. Also where host
 * memory comes from: a reference to a host variable (an extern global in C, a numbered
 * {@code btf_var} load in assembly).
 */
final class HostAccess {
    private HostAccess() {}

    static boolean check(Env env, AbstractState s, int pc, int reg, Value.Ptr p, int off, int size, Access.Kind kind, Sink sink) {
        if (env.eim().isEmpty()) {
            sink.violation(pc, new Obligation.Type("an EIM class for host memory", "no class"), "R" + reg + " points to host memory, but no EIM class is given", s);
            return false;
        }
        EimPlatform eim = env.eim().get().platform();
        HostObject o = eim.object(p.region());
        Scalar at = p.off();
        if (!Sizes.bounded(at)) {
            sink.violation(pc, Access.valid(p, off, size, kind), kind.word + " of " + size + " bytes" + line(env, pc) + " at an unbounded offset of "
                    + o.name() + ": check the offset against sizeof(" + o.type().spelling() + ") = " + o.size() + " first", s);
            return false;
        }
        long lo = at.s64().lo() + off;
        long hi = at.s64().hi() + off + size;
        String offsets = lo + size == hi ? "offset " + lo : "offsets [" + lo + ", " + (hi - size) + "]";
        if (lo < 0 || hi > o.size()) {
            sink.violation(pc, Access.valid(p, off, size, kind), kind.word + " of " + size + " bytes at " + offsets + " of " + o.name()
                    + line(env, pc) + " is outside " + o.type().spelling() + " (" + o.size() + " bytes)", s);
            return false;
        }
        AccessOp op = kind == Access.Kind.READ ? AccessOp.READ : AccessOp.WRITE;
        Optional<PointerField> link = eim.pointerFields().stream().filter(f -> f.parent() == p.region() && f.overlaps(lo, hi)).findFirst();
        if (op == AccessOp.WRITE && link.isPresent()) {
            sink.violation(pc, Access.valid(p, off, size, kind), "write of " + PolicyWords.fields(eim, o, lo, hi) + line(env, pc)
                    + " would change " + link.get().path() + ", the pointer through which the class '" + eim.className()
                    + "' reaches *" + link.get().path() + ": no class may write it (" + eim.classWhere() + ")", s);
            return false;
        }
        if (!o.covered(op, lo, hi)) {
            String fields = PolicyWords.fields(eim, o, lo, hi);
            List<String> allowed = o.grants(op).stream().map(g -> g.what()).toList();
            sink.violation(pc, Access.valid(p, off, size, kind), kind.word + " of " + fields + line(env, pc) + " is not granted: the class '"
                    + eim.className() + "' may " + op.keyword() + (allowed.isEmpty() ? " no byte of " + o.name()
                    : " only what " + String.join(", ", allowed) + " grant" + (allowed.size() == 1 ? "s" : ""))
                    + " (" + eim.classWhere() + ")", s);
            return false;
        }
        return true;
    }

    /**
     * What an aligned 8-byte load of a pointer field the class reaches through gives: a pointer to
     * the object it points to, null-checked or not as the entry promises ({@link PointerField}).
     * Empty for every other load of host memory (a plain number): a partial load, an offset not
     * known exactly, or a field no grant goes through.
     */
    static Optional<Value> loaded(Env env, Value.Ptr p, int off, int size, int site) {
        if (env.eim().isEmpty() || size != PointerField.SIZE || !p.off().isConstant()) {
            return Optional.empty();
        }
        return env.eim().get().platform().pointerField(p.region(), p.off().tnum().value() + off).map(f ->
                f.nullness() == Nullness.NOT_NULL ? Value.Ptr.of(PtrKind.HOST, f.target(), 0)
                        : new Value.Ptr(PtrKind.HOST, f.target(), Scalar.constant(0), site, 0, Nullness.MAYBE_NULL, 0));
    }

    /**
     * A store of {@code v} into host memory: a pointer may not leave the extension, and a write into
     * a field whose capability constrains {@code value} must satisfy the constraints (proved here;
     * the stored value is what the field then holds). Bytes also covered by an unconstrained write
     * grant need nothing more.
     */
    static void stored(Env env, AbstractState s, int pc, Value.Ptr p, int off, int size, Value v, Sink sink) {
        if (env.eim().isEmpty()) {
            return;
        }
        EimPlatform eim = env.eim().get().platform();
        HostObject o = eim.object(p.region());
        if (!Sizes.bounded(p.off())) {
            if (!o.constrainedWrites(0, o.size()).isEmpty()) {
                sink.violation(pc, new Obligation.Constraint(o.constrainedWrites(0, o.size()).stream().map(g -> g.what()).toList().toString(),
                        eim.classWhere()), "write at an unbounded offset of " + o.name() + line(env, pc)
                        + ", whose fields " + o.constrainedWrites(0, o.size()).stream().map(g -> g.what()).toList()
                        + " the class '" + eim.className() + "' writes only under value constraints", s);
            }
            return;
        }
        if (v instanceof Value.Ptr) {
            sink.violation(pc, new Obligation.NoPointerLeak("host memory (" + o.name() + ")"), "a pointer may not be stored into host memory (" + o.name() + ")"
                    + line(env, pc), s);
            return;
        }
        long lo = p.off().s64().lo() + off;
        long hi = p.off().s64().hi() + off + size;
        HostObject unconstrained = new HostObject(o.name(), o.origin(), o.root(), o.type(), o.size(),
                o.grants().stream().filter(g -> g.valueConstraints().isEmpty()).toList());
        if (unconstrained.covered(AccessOp.WRITE, lo, hi) || !sink.collecting()) {
            return;
        }
        for (var g : o.constrainedWrites(lo, hi)) {
            if (!(p.off().isConstant() && g.from() == lo && g.to() == hi)) {
                sink.violation(pc, new Obligation.Constraint(g.what(), g.where()), "write of " + PolicyWords.fields(eim, o, lo, hi) + line(env, pc)
                        + " does not store the whole of " + PolicyWords.fields(eim, o, g.from(), g.to()) + ", whose value the class '"
                        + eim.className() + "' constrains (" + g.what() + ", " + g.where() + "): store all "
                        + (g.to() - g.from()) + " bytes at once", s);
                continue;
            }
            Map<String, Operand> scope = Map.of("value", new Operand(g.valueType(), v));
            for (Expr c : g.valueConstraints()) {
                ConstraintProver.Verdict verdict = env.eim().get().prover().check(eim.types(), scope, (q, n, op) ->
                        dev.warden.verifier.eim.Truth.UNKNOWN, c);
                if (verdict instanceof ConstraintProver.Verdict.MayFail f) {
                    sink.violation(pc, new Obligation.Constraint(c.show(), eim.whereOr(c, g.where())), "write of " + PolicyWords.fields(eim, o, lo, hi) + line(env, pc)
                            + " may store " + f.witness().orElse("a value outside it") + "; the class '" + eim.className()
                            + "' allows it only with " + c.show() + " (" + g.what() + ", " + eim.whereOr(c, g.where()) + ")"
                            + (f.witness().isPresent() ? "" : " [" + f.how() + "]"), s);
                }
            }
        }
    }

    /** An atomic operation on host memory writes a value nobody chose: refused where writes are constrained. */
    static void atomic(Env env, AbstractState s, int pc, Value.Ptr p, int off, int size, Sink sink) {
        if (env.eim().isEmpty()) {
            return;
        }
        EimPlatform eim = env.eim().get().platform();
        HostObject o = eim.object(p.region());
        boolean bounded = Sizes.bounded(p.off());
        long lo = bounded ? p.off().s64().lo() + off : 0;
        long hi = bounded ? p.off().s64().hi() + off + size : o.size();
        if (!o.constrainedWrites(lo, hi).isEmpty()) {
            sink.violation(pc, new Obligation.Constraint(o.constrainedWrites(lo, hi).stream().map(g -> g.what()).toList().toString(),
                    eim.classWhere()), "atomic operation on " + PolicyWords.fields(eim, o, lo, hi) + line(env, pc)
                    + ", whose written value the class '" + eim.className() + "' constrains: store a checked value instead", s);
        }
    }

    /** The address of a host variable: named by an extern relocation (C) or by number (assembly). */
    static Value variable(Env env, AbstractState s, int pc, long number, Sink sink) {
        if (env.eim().isEmpty()) {
            return Value.Ptr.of(PtrKind.BTF_ID, 0, 0);
        }
        EimPlatform eim = env.eim().get().platform();
        Optional<Relocation.ExternVariable> ext = env.program().relocations().stream()
                .filter(r -> r.pc() == pc && r instanceof Relocation.ExternVariable).map(r -> (Relocation.ExternVariable) r)
                .findFirst();
        Optional<String> name = ext.map(Relocation.ExternVariable::symbol).or(() -> eim.hostVariableNumber(number));
        long offset = ext.map(Relocation.ExternVariable::offset).orElse(0);
        if (name.isEmpty()) {
            sink.violation(pc, new Obligation.Type("a host variable of the policy", "btf_var[" + number + "]"), "btf_var[" + number + "] is not a host variable of the policy (it declares "
                    + eim.objects().stream().filter(o -> o.origin() == HostObject.Origin.HOST_VARIABLE).count() + ")", s);
            return Value.TOP;
        }
        Optional<Integer> region = eim.hostVariable(name.get());
        if (region.isEmpty()) {
            sink.violation(pc, new Obligation.Type("a host variable of the policy", name.get()), "the extension refers to '" + name.get() + "'" + line(env, pc)
                    + ", which the policy does not declare as a host variable", s);
            return Value.TOP;
        }
        return Value.Ptr.of(PtrKind.HOST, region.get(), offset);
    }

    /** {@code " (file.c:12)"} for the source line of {@code pc}, or nothing without line info. */
    static String line(Env env, int pc) {
        LineInfo best = null;
        for (LineInfo l : env.program().lines()) {
            if (l.pc() <= pc) {
                best = l;
            } else {
                break;
            }
        }
        if (best == null) {
            return "";
        }
        String f = best.file();
        return " (" + f.substring(f.lastIndexOf('/') + 1) + ":" + best.line() + ")";
    }
}
