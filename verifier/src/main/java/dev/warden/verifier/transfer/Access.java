package dev.warden.verifier.transfer;

import dev.warden.domains.Scalar;
import dev.warden.isa.Instruction;
import dev.warden.isa.elf.BpfMap;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.platform.ContextField;
import dev.warden.verifier.platform.FieldKind;
import dev.warden.verifier.platform.ProgramType;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Frame;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.util.Optional;

/**
 * The bounds and rights of one memory access through a pointer: {@code size} bytes at
 * {@code ptr + off}. Reports what it cannot prove; the caller goes on as if the access succeeded.
 */
final class Access {
    private Access() {}

    enum Kind {
        READ("read"), WRITE("write");

        final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    /** The largest packet offset a bounds check may involve (the kernel's MAX_PACKET_OFF). */
    static final long MAX_PACKET_OFF = 0xffff;

    static Sink.Proof check(Env env, AbstractState s, int pc, int reg, Value.Ptr p, int off, int size, Kind kind, Sink sink) {
        boolean ok = true;
        if (p.maybeNull() && !(p.kind() == PtrKind.BTF_UNTRUSTED && kind == Kind.READ)) {
            // Loads through an untrusted kernel pointer are probe reads (see KernelObjects): NULL reads 0.
            sink.violation(pc, new Obligation.NonNull(reg), "R" + reg + " may be null: " + nullAdvice(env, p), s);
            ok = false;
        }
        ok &= switch (p.kind()) {
            case STACK -> stack(s, pc, reg, p, off, size, kind, sink);
            case CTX -> context(env, s, pc, p, off, size, kind, sink);
            case MAP_VALUE -> mapValue(env, s, pc, reg, p, off, size, kind, sink);
            case PACKET -> packet(env, s, pc, p, off, size, kind, sink);
            case PACKET_META -> meta(env, s, pc, p, off, size, kind, sink);
            case MEM -> memory(s, pc, reg, p, off, size, kind, sink);
            case ITER_BUF -> iteratorBuffer(s, pc, reg, p, off, size, kind, sink);
            case ARG_MEM -> bounded(s, pc, p, off, size, kind, sink);
            case HOST -> HostAccess.check(env, s, pc, reg, p, off, size, kind, sink);
            case HEAP -> {
                // Loads and stores do not come here (MemoryTransfer: the guard confines what is not
                // proved); a helper or an atomic reaches the address unguarded, so it must be proved.
                if (!HeapAccess.insideObject(p, off, size)) {
                    sink.violation(pc, valid(p, off, size, kind), kind.word + " of " + size + " bytes at offset " + range(p.off(), off)
                            + " of " + describe(p) + " is not proved inside the object; only loads and stores are guarded", s);
                    yield false;
                }
                yield true;
            }
            case SOCKET -> KernelObjects.layoutAccess(env, s, pc, reg, p, off, size, kind, sink);
            case BTF_ID, BTF_UNTRUSTED -> KernelObjects.btfAccess(env, s, pc, reg, p, off, size, kind, sink);
            default -> {
                sink.violation(pc, new Obligation.Type("a pointer the program may " + kind.word + " through", describe(p)), "R" + reg + " is " + describe(p) + ", which the program may not "
                        + kind.word + " through", s);
                yield false;
            }
        };
        return ok ? Sink.Proof.PROVED : Sink.Proof.UNPROVED;
    }

    /** The obligation of the access of {@code size} bytes at {@code p + off}. */
    static Obligation.ValidAccess valid(Value.Ptr p, int off, int size, Kind kind) {
        return Obligation.ValidAccess.of(p, off, size, kind == Kind.READ ? Obligation.Right.READ : Obligation.Right.WRITE);
    }

    static String describe(Value.Ptr p) {
        return switch (p.kind()) {
            case CTX -> "the context pointer";
            case STACK -> "a stack pointer";
            case MAP -> "a map (not a map value)";
            case MAP_VALUE -> "a map value pointer";
            case PACKET -> "a packet pointer";
            case PACKET_END -> "the packet end pointer (data_end)";
            case PACKET_META -> "a packet metadata pointer";
            case MEM -> "a memory pointer";
            case SOCKET -> KernelObjects.layoutName(p.region());
            case BTF_ID -> "a kernel object pointer (BTF)";
            case BTF_UNTRUSTED -> "a kernel object pointer loaded from a field (BTF, untrusted)";
            case FUNC -> "a function address";
            case DYNPTR -> "half of a dynptr";
            case ITER_BUF -> p.region() == PtrKind.ITER_KEY ? "an iterator's key" : "an iterator's value";
            case ARG_MEM -> "memory given by a pointer parameter";
            case HOST -> "host memory";
            case HEAP -> p.region() > 0 ? "a heap object of " + p.region() + " bytes" : "a heap address";
        };
    }

    private static String nullAdvice(Env env, Value.Ptr p) {
        int site = p.id() - 1;
        if (site >= 0 && env.program().program().indexAt(site) >= 0
                && env.program().program().at(site) instanceof Instruction.Call c && c.kind() == Instruction.CallKind.HELPER) {
            return "check the result of " + env.helperName(c.imm()) + " (pc " + site + ") against NULL before using it";
        }
        if (p.kind() == PtrKind.HOST && env.eim().isPresent()) {
            // A pointer field loaded from host memory: the host may leave it NULL unless the entry promises otherwise.
            String path = env.eim().get().platform().pointerFields().stream().filter(f -> f.target() == p.region())
                    .map(f -> f.path()).findFirst().orElse("the pointer");
            return "check " + path + (site >= 0 ? " (loaded at pc " + site + ")" : "") + " against NULL before using it, or have the entry promise non_null("
                    + path + ") (the host then guarantees it)";
        }
        return "check it against NULL before using it";
    }

    static String range(Scalar o, int off) {
        if (!Sizes.bounded(o)) {
            return "(unbounded: " + dev.warden.verifier.state.Render.scalar(o) + ")";
        }
        if (o.isConstant()) {
            return Long.toString(o.tnum().value() + off);
        }
        return "[" + (o.s64().lo() + off) + ", " + (o.s64().hi() + off) + "]";
    }

    private static boolean stack(AbstractState s, int pc, int reg, Value.Ptr p, int off, int size, Kind kind, Sink sink) {
        Scalar o = p.off();
        if (p.region() > s.depth()) {
            sink.violation(pc, valid(p, off, size, kind), "R" + reg + " points into a stack frame that has returned", s);
            return false;
        }
        if (!Sizes.bounded(o) || o.s64().lo() + off < -Frame.STACK_SIZE || o.s64().hi() + off + size > 0) {
            sink.violation(pc, valid(p, off, size, kind), "stack access of " + size + " bytes at fp" + signed(o, off)
                    + " is outside the 512-byte frame (fp-512 .. fp-1)", s);
            return false;
        }
        sink.stackReach(pc, p.region(), o.s64().lo() + off);
        return true;
    }

    private static String signed(Scalar o, int off) {
        String r = range(o, off);
        return r.startsWith("-") || r.startsWith("[") ? r : "+" + r;
    }

    private static boolean context(Env env, AbstractState s, int pc, Value.Ptr p, int off, int size, Kind kind, Sink sink) {
        Optional<ProgramType> type = env.type();
        if (type.isEmpty() || p.region() < 0) {
            sink.violation(pc, new Obligation.Type("a known program type", "none"), "the program type is unknown, so its context cannot be accessed: pass --type", s);
            return false;
        }
        String struct = type.get().context().structName();
        if (!p.off().isConstant()) {
            sink.violation(pc, valid(p, off, size, kind), "context access at a variable offset " + range(p.off(), off)
                    + " of struct " + struct + " (the offset must be a constant)", s);
            return false;
        }
        long at = p.off().tnum().value() + off;
        Optional<ContextField> field = type.get().context().fieldContaining(at, size);
        if (field.isEmpty()) {
            sink.violation(pc, valid(p, off, size, kind), kind.word + " of " + size + " bytes at offset " + at
                    + " of struct " + struct + " is not inside a field the " + type.get().name() + " program may access", s);
            return false;
        }
        ContextField f = field.get();
        if (kind == Kind.READ && !f.readable() || kind == Kind.WRITE && !f.writable()) {
            sink.violation(pc, valid(p, off, size, kind), struct + "." + f.name() + " may not be "
                    + (kind == Kind.READ ? "read" : "written") + " by a " + type.get().name() + " program", s);
            return false;
        }
        if (f.kind() != FieldKind.SCALAR && (at != f.offset() || size != f.size())) {
            sink.violation(pc, valid(p, off, size, kind), struct + "." + f.name() + " is a pointer field: load all its "
                    + f.size() + " bytes at once", s);
            return false;
        }
        if (size < f.size() && !f.narrowReads()) {
            sink.violation(pc, valid(p, off, size, kind), struct + "." + f.name() + " must be accessed with its full size ("
                    + f.size() + " bytes), not " + size, s);
            return false;
        }
        return true;
    }

    private static boolean mapValue(Env env, AbstractState s, int pc, int reg, Value.Ptr p, int off, int size, Kind kind, Sink sink) {
        Optional<BpfMap> map = env.map(p.region());
        if (map.isEmpty()) {
            sink.violation(pc, valid(p, off, size, kind), "R" + reg + " points into a map value whose map is not known", s);
            return false;
        }
        BpfMap m = map.get();
        if (kind == Kind.WRITE && (m.flags() & Env.F_RDONLY_PROG) != 0) {
            sink.violation(pc, valid(p, off, size, kind), "write into read-only map '" + m.name() + "'", s);
            return false;
        }
        Scalar o = p.off();
        if (!Sizes.bounded(o) || o.s64().lo() + off < 0 || o.s64().hi() + off + size > m.valueSize()) {
            sink.violation(pc, valid(p, off, size, kind), kind.word + " of " + size + " bytes at offset " + range(o, off)
                    + " of a value of map '" + m.name() + "' (" + m.valueSize() + " bytes) may be out of bounds", s);
            return false;
        }
        return true;
    }

    /** The most bytes an iterator buffer access may reach (the kernel's buffers are map keys and values). */
    static final long MAX_ITER_EXTENT = 1L << 29;

    /**
     * An iterator's key or value: the offset must be bounded and not negative; the access's end is
     * recorded as a requirement on the map the iterator will be attached to.
     */
    private static boolean iteratorBuffer(AbstractState s, int pc, int reg, Value.Ptr p, int off, int size, Kind kind,
                                          Sink sink) {
        if (kind == Kind.WRITE && p.region() == PtrKind.ITER_KEY) {
            sink.violation(pc, valid(p, off, size, kind), "R" + reg + " points to an iterator's key, which is read-only", s);
            return false;
        }
        Scalar o = p.off();
        if (!Sizes.bounded(o) || o.s64().lo() + off < 0 || o.s64().hi() + off + size > MAX_ITER_EXTENT) {
            sink.violation(pc, valid(p, off, size, kind), kind.word + " of " + size + " bytes at offset " + range(o, off)
                    + " of " + describe(p) + " is not within [0, " + MAX_ITER_EXTENT + ")", s);
            return false;
        }
        sink.attachRequirement(p.region(), o.s64().hi() + off + size);
        return true;
    }

    private static boolean memory(AbstractState s, int pc, int reg, Value.Ptr p, int off, int size, Kind kind, Sink sink) {
        if (kind == Kind.WRITE && p.ref() == 0) {
            sink.violation(pc, valid(p, off, size, kind), "R" + reg + " points to read-only memory a helper returned", s);
            return false;
        }
        return bounded(s, pc, p, off, size, kind, sink);
    }

    /** An access inside {@code [0, region)} bytes from the pointer's object. */
    private static boolean bounded(AbstractState s, int pc, Value.Ptr p, int off, int size, Kind kind, Sink sink) {
        Scalar o = p.off();
        if (!Sizes.bounded(o) || o.s64().lo() + off < 0 || o.s64().hi() + off + size > p.region()) {
            sink.violation(pc, valid(p, off, size, kind), kind.word + " of " + size + " bytes at offset " + range(o, off)
                    + " of a " + p.region() + "-byte memory region may be out of bounds", s);
            return false;
        }
        return true;
    }

    /**
     * The checks packet data and metadata share: the program type may make this direct access (the
     * kernel's may_access_direct_pkt_data), and it does not start before the area ({@code start}).
     */
    private static boolean packetStart(Env env, AbstractState s, int pc, Value.Ptr p, int off, int size, Kind kind, Sink sink,
                                       String offsetWord, String start) {
        if (env.type().isPresent() && (!env.type().get().packetAccess() || kind == Kind.WRITE && !env.type().get().packetWrite())) {
            sink.violation(pc, valid(p, off, size, kind), "a " + env.type().get().name() + " program may not "
                    + kind.word + " packet data", s);
            return false;
        }
        Scalar o = p.off();
        if (!Sizes.bounded(o) || o.s64().lo() + off < 0) {
            sink.violation(pc, valid(p, off, size, kind), kind.word + " of " + size + " bytes at " + offsetWord + " "
                    + range(o, off) + " may be before " + start, s);
            return false;
        }
        return true;
    }

    /** Packet metadata: between data_meta and data, as far as a comparison with data proved. */
    private static boolean meta(Env env, AbstractState s, int pc, Value.Ptr p, int off, int size, Kind kind, Sink sink) {
        if (!packetStart(env, s, pc, p, off, size, kind, sink, "metadata offset", "data_meta")) {
            return false;
        }
        Scalar o = p.off();
        if (o.s64().hi() + off + size <= s.range(AbstractState.META_RANGE)) {
            return true;
        }
        sink.violation(pc, valid(p, off, size, kind), kind.word + " of " + size + " bytes at metadata offset "
                + range(o, off) + " may be past data (proved metadata length: " + s.range(AbstractState.META_RANGE)
                + "; compare data_meta + N with data first)", s);
        return false;
    }

    private static boolean packet(Env env, AbstractState s, int pc, Value.Ptr p, int off, int size, Kind kind, Sink sink) {
        if (!packetStart(env, s, pc, p, off, size, kind, sink, "packet offset", "the packet start")) {
            return false;
        }
        Scalar o = p.off();
        long end = o.s64().hi() + off + size;
        if (end <= s.range(0)) {
            return true;
        }
        if (p.id() != 0 && p.fix() + off + size <= s.range(p.id())) {
            return true;
        }
        String proved = p.id() != 0 && s.range(p.id()) > 0
                ? s.range(p.id()) + " bytes from the variable offset, " + s.range(0) + " from data"
                : Integer.toString(s.range(0));
        sink.violation(pc, valid(p, off, size, kind), kind.word + " of " + size + " bytes at packet offset "
                + range(o, off) + " may be past data_end (proved length: " + proved + ")", s);
        return false;
    }
}
