package dev.warden.eim.smt;

import dev.warden.eim.AccessOp;
import dev.warden.eim.Binding;
import dev.warden.eim.CType;
import dev.warden.eim.Declaration;
import dev.warden.eim.Field;
import dev.warden.eim.Grants;
import dev.warden.eim.Limits;
import dev.warden.eim.Policy;
import dev.warden.eim.Prototype;
import dev.warden.eim.Region;
import dev.warden.eim.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A class's permissions grouped the way queries compare them: per called function (the
 * disjunction of the constraints of every capability the class has for it), per written host
 * location (likewise over {@code value}), and byte ranges read.
 */
record ClassView(String name, String entry,
                 Map<Binding, Group> functions,
                 List<Region> stateReads,
                 Map<Region, Group> stateWrites,
                 List<ArgumentRange> arguments,
                 Limits limits) {

    /** The capabilities a class has for one function or one written location, and what they allow together. */
    record Group(List<String> capabilities, List<String> parameters, Prototype prototype, Allowance allowance) {}

    record ArgumentRange(AccessOp op, Region region, String written) {}

    static ClassView of(Policy p, String className) {
        Grants g = p.grants(className).orElseThrow();
        Types types = p.types();
        Map<Binding, Group> functions = new LinkedHashMap<>();
        for (Declaration.FunctionCapability f : g.functions()) {
            Alternative alt = function(types, f);
            Group old = functions.get(f.target());
            // Types compared across capabilities and policy versions: typedefs resolved, enums as int.
            Prototype signature = types.layout().canonicalPrototype(f.prototype());
            functions.put(f.target(), old == null
                    ? new Group(List.of(f.name()), names(f.prototype()), signature, new Allowance(List.of(alt)))
                    : merge(old, f.name(), alt));
        }
        List<Region> reads = new ArrayList<>();
        Map<Region, Group> writes = new LinkedHashMap<>();
        for (Grants.StateGrant s : g.state()) {
            if (s.op() == AccessOp.READ) {
                if (!reads.contains(s.region())) reads.add(s.region());
                continue;
            }
            Alternative alt = write(types, s.type(), s.capability().constraints(), s.capability().operation().path().toString());
            Group old = writes.get(s.region());
            writes.put(s.region(), old == null
                    ? new Group(List.of(s.capability().name()), List.of(), new Prototype(List.of(), s.type()), new Allowance(List.of(alt)))
                    : merge(old, s.capability().name(), alt));
        }
        List<ArgumentRange> args = g.arguments().stream()
                .map(a -> new ArgumentRange(a.access().op(), a.region(), a.access().toString())).toList();
        return new ClassView(className, g.entry().name(), functions, reads, writes, args, g.limits());
    }

    private static Group merge(Group g, String capability, Alternative alt) {
        List<String> caps = new ArrayList<>(g.capabilities());
        caps.add(capability);
        List<Alternative> alts = new ArrayList<>(g.allowance().alternatives());
        alts.add(alt);
        return new Group(caps, g.parameters(), g.prototype(), new Allowance(alts));
    }

    private static List<String> names(Prototype p) {
        return p.parameters().stream().map(Field::name).toList();
    }

    /** A function capability's constraints, its arguments named by position. */
    static Alternative function(Types types, Declaration.FunctionCapability f) {
        Map<String, CType> scope = new LinkedHashMap<>();
        Map<String, String> naming = new LinkedHashMap<>();
        List<Field> params = f.prototype().parameters();
        for (int i = 0; i < params.size(); i++) {
            scope.put(params.get(i).name(), params.get(i).type());
            naming.put(params.get(i).name(), "arg" + i);
        }
        if (!(f.prototype().returns() instanceof CType.Void)) {
            scope.put("rtn", f.prototype().returns());
            naming.put("rtn", "rtn");
        }
        return new Alternative(types, f.constraints(), scope, naming);
    }

    /**
     * A write capability's constraints over {@code value}, named after the written location
     * ({@code server.aof_fsync}), so that a write of a whole ({@code server}, whose constraints
     * speak of {@code value.aof_fsync}) and a write of one of its fields speak of the same bytes.
     */
    static Alternative write(Types types, CType valueType, List<dev.warden.eim.Expr> constraints, String location) {
        return new Alternative(types, constraints, Map.of("value", valueType), Map.of("value", location));
    }

    /**
     * What this class allows to be written to {@code r}: the disjunction over every write it has
     * to a region that contains {@code r}, or empty when no write contains it. A write of a whole
     * covers a write of a part only for values of the part that its constraints allow whatever
     * the rest of the whole holds (the rest keeps its old, unknown, bytes).
     */
    java.util.Optional<Allowance> writeCover(Region r) {
        List<Alternative> alts = new ArrayList<>();
        for (var e : stateWrites.entrySet()) {
            if (r.within(e.getKey())) alts.addAll(e.getValue().allowance().alternatives());
        }
        return alts.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(new Allowance(alts));
    }

    /** True if the bytes of {@code r} are readable here (host reads), alone or by adjacent grants. */
    boolean reads(Region r) {
        return r.coveredBy(stateReads);
    }

    /** True if the class may {@code op} every byte of an argument range, through one grant or adjacent ones. */
    boolean covers(ArgumentRange r) {
        return r.region().coveredBy(arguments.stream().filter(x -> x.op() == r.op()).map(ArgumentRange::region).toList());
    }
}
