package dev.warden.verifier.eim;

import dev.warden.eim.AccessOp;
import dev.warden.eim.CType;
import dev.warden.eim.Declaration;
import dev.warden.eim.Expr;
import dev.warden.eim.Field;
import dev.warden.eim.Grants;
import dev.warden.eim.Path;
import dev.warden.eim.Region;
import dev.warden.eim.ScalarKind;
import dev.warden.eim.Span;
import dev.warden.eim.Types;
import dev.warden.domains.Scalar;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * The run-time slices of a class ({@code read(data[0, len))}, {@code read(r->uri[0, r->uri_len))})
 * as {@link SliceGrant}s on the objects behind the entry's pointer arguments, and the
 * {@link LengthSymbol}s that cut them. A slice is kept when its upper bound is exactly one length
 * the verifier can follow: an unsigned (or provably non-negative) scalar argument, or an unsigned
 * field of an argument's object that nothing the class may do can change during a run (no write
 * grant touches it, and no granted call receives a pointer). Other slices keep only the bytes
 * inside their bounds for every run ({@link EimPlatform}).
 */
final class Slices {
    private Slices() {}

    /** The symbols and the slice grants by object. */
    record Found(List<LengthSymbol> symbols, Map<Integer, List<SliceGrant>> byObject) {}

    static Found find(EimPlatform eim, Types types, Grants grants, ToIntFunction<String> objectOf, List<HostObject> objects) {
        List<LengthSymbol> symbols = new ArrayList<>();
        Map<Integer, List<SliceGrant>> out = new java.util.TreeMap<>();
        Map<String, Operand> scope = eim.argumentScope();
        ConstraintEvaluator ev = new ConstraintEvaluator(types, scope, MemoryOracle.NONE);
        boolean callsMayWrite = callsTakePointers(grants, types);
        for (Grants.ArgumentGrant g : grants.arguments()) {
            if (!(g.span() instanceof Span.Slice sl) || grants.entry().prototype().parameter(sl.base()).isEmpty()) {
                continue;
            }
            int region = objectOf.applyAsInt(sl.base());
            if (region < 0 || !(ev.eval(sl.from()) instanceof ConstraintEvaluator.V.I(ConstraintEvaluator.Ints f))) {
                continue;
            }
            Optional<LengthSymbol> sym = symbol(eim, types, grants, scope, sl.to(), objectOf, objects, callsMayWrite, symbols);
            if (sym.isEmpty()) {
                continue;
            }
            BigInteger first = f.hi().max(BigInteger.ZERO);
            if (first.bitLength() > 40 || sl.capacity().isPresent() && first.compareTo(BigInteger.valueOf(sl.capacity().getAsLong())) >= 0) {
                continue;
            }
            long start = sl.offset() + first.longValueExact() * sl.elementSize();
            if (symbols.stream().noneMatch(s -> s.id() == sym.get().id())) {
                symbols.add(sym.get());
            }
            out.computeIfAbsent(region, k -> new ArrayList<>()).add(new SliceGrant(g.access().op(), sym.get().id(), start, sl.offset(),
                    sl.elementSize(), sl.capacity(), g.access().toString(), eim.where(g.access(), grants.extensionClass())));
        }
        // A field symbol written by a write slice of its own object could change during the run.
        symbols.removeIf(s -> s.isField() && out.getOrDefault(s.region(), List.of()).stream()
                .anyMatch(x -> x.op() == AccessOp.WRITE && x.start() < s.offset() + s.size()));
        List<Integer> kept = symbols.stream().map(LengthSymbol::id).toList();
        out.values().forEach(l -> l.removeIf(x -> !kept.contains(x.symbol())));
        out.values().removeIf(List::isEmpty);
        return new Found(List.copyOf(symbols), out);
    }

    private static Optional<LengthSymbol> symbol(EimPlatform eim, Types types, Grants grants, Map<String, Operand> scope, Expr to,
                                                 ToIntFunction<String> objectOf, List<HostObject> objects, boolean callsMayWrite,
                                                 List<LengthSymbol> known) {
        if (!(to instanceof Expr.Ref(Path path))) {
            return Optional.empty();
        }
        List<Field> params = grants.entry().prototype().parameters();
        if (path.steps().isEmpty()) {
            for (int i = 0; i < params.size(); i++) {
                Field p = params.get(i);
                if (p.name().equals(path.root()) && types.layout().resolve(p.type()) instanceof CType.Scalar sc && scope.containsKey(p.name())
                        && scope.get(p.name()).value() instanceof dev.warden.verifier.state.Value.Num n) {
                    Scalar r = n.scalar();
                    // A signed length is the register's value only where it cannot be negative.
                    if (sc.kind().isSigned() && r.s64().lo() < 0) {
                        return Optional.empty();
                    }
                    long least = sc.kind().isSigned() ? r.s64().lo() : r.u64().lo();
                    if (least < 0) {
                        return Optional.empty();
                    }
                    return Optional.of(new LengthSymbol(i + 1, p.name(), least, new BigInteger(Long.toUnsignedString(r.u64().hi())), -1, 0, 0));
                }
            }
            return Optional.empty();
        }
        Optional<Field> root = grants.entry().prototype().parameter(path.root());
        if (callsMayWrite || root.isEmpty()) {
            return Optional.empty();
        }
        int region = objectOf.applyAsInt(path.root());
        Optional<Region> at = types.region(path, root.get().type(), Types.RootKind.ARGUMENT, Types.Problems.NONE);
        Optional<CType> type = types.accessedType(path, root.get().type(), Types.RootKind.ARGUMENT).map(t -> types.layout().resolve(t));
        if (region < 0 || at.isEmpty() || !at.get().base().equals(path.root()) || type.isEmpty()
                || !(type.get() instanceof CType.Scalar sc) || sc.kind().isSigned() || sc.kind() == ScalarKind.BOOL) {
            return Optional.empty();
        }
        long off = at.get().offset();
        int size = (int) at.get().size();
        if (objects.get(region).grants().stream().anyMatch(b -> b.op() == AccessOp.WRITE && b.overlaps(off, off + size))) {
            return Optional.empty();
        }
        for (LengthSymbol s : known) {
            if (s.isField() && s.region() == region && s.offset() == off) {
                return Optional.of(s);
            }
        }
        int id = LengthSymbol.FIRST_FIELD + (int) known.stream().filter(LengthSymbol::isField).count();
        BigInteger most = BigInteger.ONE.shiftLeft(8 * size).subtract(BigInteger.ONE);
        return Optional.of(new LengthSymbol(id, path.toString(), 0, most, region, off, size));
    }

    /** Whether a call the class may make can receive a pointer (and so might write an argument's object). */
    private static boolean callsTakePointers(Grants grants, Types types) {
        for (Declaration.FunctionCapability f : grants.functions()) {
            for (Field p : f.prototype().parameters()) {
                if (!(types.layout().resolve(p.type()) instanceof CType.Scalar)) {
                    return true;
                }
            }
        }
        return false;
    }
}
