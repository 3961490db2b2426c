package dev.warden.verifier.transfer;

import dev.warden.domains.Scalar;
import dev.warden.isa.elf.BpfMap;
import dev.warden.verifier.Obligation;
import dev.warden.verifier.platform.ArgKind;
import dev.warden.verifier.platform.HelperPrototype;
import dev.warden.verifier.platform.MapLookup;
import dev.warden.verifier.platform.ObjectKind;
import dev.warden.verifier.platform.RetKind;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Frame;
import dev.warden.verifier.state.Locks;
import dev.warden.verifier.state.Nullness;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.util.List;
import java.util.Optional;

/**
 * A call of a helper: each argument is checked against the helper's prototype (memory arguments
 * against the size in the next register, map keys and values against the map in r1), memory the
 * helper fills becomes initialised, r1-r5 are clobbered and r0 gets the result the prototype says.
 */
final class HelperCall {
    private HelperCall() {}

    static final int TAIL_CALL = 12;
    static final int SPIN_LOCK = 93;
    static final int SPIN_UNLOCK = 94;
    static final int TIMER_INIT = 169;

    static AbstractState call(Env env, Callees callees, AbstractState s, int pc, int id, Sink sink) {
        Optional<HelperPrototype> proto = env.platform().helper(id);
        if (proto.isEmpty()) {
            sink.violation(pc, new Obligation.KnownCall("helper " + id), "helper " + id + " is not known to the platform", s);
            return clobber(s, Value.TOP);
        }
        HelperPrototype h = proto.get();
        if (!PlatformRules.available(env, s, pc, h, sink)) {
            return clobber(s, Value.TOP);
        }
        if (id != SPIN_UNLOCK && Locks.mayBeHeld(s, Locks.Lock.SPIN)) {
            // The kernel refuses every call but bpf_spin_unlock inside a spin-locked region: a helper
            // could sleep, fault or take the lock again.
            sink.violation(pc, new Obligation.KnownCall(h.name()), h.name() + " is called while bpf_spin_lock may be held"
                    + " (only bpf_spin_unlock may be called until then)", s);
        }
        List<ArgKind> args = h.args();
        int mapIndex = -1;
        boolean mapKnown = false;
        AbstractState out = s;
        int callback = -1;
        for (int i = 0; i < args.size(); i++) {
            int reg = i + 1;
            Value v = s.reg(reg);
            ArgKind kind = args.get(i);
            if (v instanceof Value.Uninit) {
                sink.violation(pc, Obligation.Initialised.register(reg), "R" + reg + " (argument " + reg + " of " + h.name()
                        + ") is read before it is written", s);
                continue;
            }
            switch (kind) {
                case ANYTHING, SCALAR, CONST_SIZE, CONST_SIZE_OR_ZERO -> { }
                case CONST_ALLOC_SIZE_OR_ZERO -> {
                    if (!(v instanceof Value.Num n) || !n.scalar().isConstant()) {
                        fail(sink, pc, s, h, reg, "must be a constant size");
                    }
                }
                case CONST_MAP_PTR -> {
                    if (v instanceof Value.Ptr p && p.kind() == PtrKind.MAP && !p.maybeNull()) {
                        mapIndex = p.region();
                        mapKnown = env.map(mapIndex).isPresent();
                        if (mapKnown) {
                            PlatformRules.mapAccepted(env, s, pc, h, env.map(mapIndex).get(), reg, sink);
                        }
                    } else {
                        fail(sink, pc, s, h, reg, "must be a map (loaded with a map reference), not " + v);
                    }
                }
                case PTR_TO_MAP_KEY, PTR_TO_MAP_VALUE, PTR_TO_MAP_VALUE_OR_NULL, PTR_TO_UNINIT_MAP_VALUE -> {
                    if (kind == ArgKind.PTR_TO_MAP_VALUE_OR_NULL && isZero(v)) {
                        break;
                    }
                    if (kind == ArgKind.PTR_TO_MAP_VALUE_OR_NULL && v instanceof Value.Ptr q && q.maybeNull()) {
                        // An initial value or NULL (the storage helpers): only read, and only when not NULL.
                        v = q.nonNull();
                    }
                    Optional<BpfMap> m = env.map(mapIndex);
                    if (m.isEmpty()) {
                        fail(sink, pc, s, h, reg, "needs the map in an earlier argument to be known");
                    } else if (kind == ArgKind.PTR_TO_MAP_VALUE && PlatformRules.socketValued(env, m.get())) {
                        // A sockmap or sockhash entry is a socket: the kernel wants one, not value bytes.
                        if (!(v instanceof Value.Ptr p && p.kind() == PtrKind.SOCKET && !p.maybeNull())) {
                            fail(sink, pc, s, h, reg, "must be a non-null socket (the value of a " + m.get().name()
                                    + " entry), not " + v);
                        }
                    } else {
                        long size = kind == ArgKind.PTR_TO_MAP_KEY ? m.get().keySize() : m.get().valueSize();
                        Access.Kind k = kind == ArgKind.PTR_TO_UNINIT_MAP_VALUE ? Access.Kind.WRITE : Access.Kind.READ;
                        out = memory(env, out, s, pc, h, reg, v, size, size, k, sink);
                    }
                }
                case PTR_TO_MEM, PTR_TO_MEM_OR_NULL, PTR_TO_UNINIT_MEM, PTR_TO_WRITABLE_MEM, PTR_TO_WRITABLE_MEM_OR_NULL -> {
                    boolean nullable = kind == ArgKind.PTR_TO_MEM_OR_NULL || kind == ArgKind.PTR_TO_WRITABLE_MEM_OR_NULL;
                    boolean mayBeNull = isZero(v) || v instanceof Value.Ptr q && q.maybeNull();
                    if (nullable && mayBeNull && !nullSized(env, s, pc, h, i, sink)) {
                        break;
                    }
                    if (nullable && isZero(v)) {
                        break;
                    }
                    long[] size = h.fixedSize(i).isPresent() ? new long[] {h.fixedSize(i).getAsInt(), h.fixedSize(i).getAsInt()}
                            : sizeArgument(env, s, pc, h, reg + 1, sink);
                    if (nullable && v instanceof Value.Ptr q && q.maybeNull()) {
                        // NULL or memory: the memory side is checked as if not null; on the NULL side the
                        // helper touches nothing, so it writes at least nothing (a stack range it may
                        // write stays as initialised as it was).
                        v = q.nonNull();
                        if (size != null) {
                            size = new long[] {0, size[1]};
                        }
                    }
                    if (size != null) {
                        if (kind == ArgKind.PTR_TO_WRITABLE_MEM || kind == ArgKind.PTR_TO_WRITABLE_MEM_OR_NULL) {
                            // Read and written: checked as a read (initialised) and as a write (rights).
                            memory(env, out, s, pc, h, reg, v, size[0], size[1], Access.Kind.READ, sink);
                            out = memory(env, out, s, pc, h, reg, v, size[0], size[1], Access.Kind.WRITE, sink);
                        } else {
                            Access.Kind k = kind == ArgKind.PTR_TO_UNINIT_MEM ? Access.Kind.WRITE : Access.Kind.READ;
                            out = memory(env, out, s, pc, h, reg, v, size[0], size[1], k, sink);
                        }
                    }
                }
                case PTR_TO_LONG, PTR_TO_INT -> {
                    int size = kind == ArgKind.PTR_TO_LONG ? 8 : 4;
                    out = memory(env, out, s, pc, h, reg, v, size, size, Access.Kind.WRITE, sink);
                }
                case PTR_TO_CTX, PTR_TO_CTX_OR_NULL -> {
                    if (kind == ArgKind.PTR_TO_CTX_OR_NULL && isZero(v)) {
                        break;
                    }
                    if (!(v instanceof Value.Ptr p && p.kind() == PtrKind.CTX && p.off().isConstant()
                            && p.off().tnum().value() == 0)) {
                        fail(sink, pc, s, h, reg, "must be the context pointer (unmodified), not " + v);
                    }
                }
                case PTR_TO_SOCKET, PTR_TO_SOCK_COMMON, PTR_TO_BTF_ID, PTR_TO_PERCPU_BTF_ID, PTR_TO_BTF_ID_OR_NULL -> {
                    if (kind == ArgKind.PTR_TO_BTF_ID_OR_NULL && isZero(v)) {
                        break;
                    }
                    KernelArguments.check(env, s, pc, h, i, kind, v, sink);
                }
                case PTR_TO_ALLOC_MEM -> {
                    if (!(v instanceof Value.Ptr p && p.kind() == PtrKind.MEM && p.ref() != 0 && !p.maybeNull()
                            && p.off().isConstant() && p.off().tnum().value() == 0)) {
                        fail(sink, pc, s, h, reg, "must be a non-null, unmodified pointer returned by bpf_ringbuf_reserve, not " + v);
                    }
                }
                case PTR_TO_SPIN_LOCK, PTR_TO_TIMER, PTR_TO_KPTR -> {
                    int size = kind == ArgKind.PTR_TO_SPIN_LOCK ? 4 : kind == ArgKind.PTR_TO_TIMER ? 16 : 8;
                    String field = kind == ArgKind.PTR_TO_SPIN_LOCK ? "bpf_spin_lock" : kind == ArgKind.PTR_TO_TIMER ? "bpf_timer" : "";
                    if (!(v instanceof Value.Ptr p && p.kind() == PtrKind.MAP_VALUE)) {
                        fail(sink, pc, s, h, reg, "must point into a map value, not " + v);
                    } else if (!field.isEmpty() && !(!p.maybeNull() && p.off().isConstant()
                            && MapFields.isField(env, p.region(), p.off().tnum().value(), field))) {
                        // The helper treats these bytes as kernel data (a lock word, a timer pointer).
                        fail(sink, pc, s, h, reg, "must point to the struct " + field + " field of a map value (declared in"
                                + " the map's BTF value type), not " + v);
                    } else if (kind == ArgKind.PTR_TO_TIMER && !MapFields.mayHoldTimer(env, p.region())) {
                        // Linux refuses to create such a map (map_check_btf: -EOPNOTSUPP), so no program reaches its timers.
                        fail(sink, pc, s, h, reg, "must be a timer of a hash, LRU hash or array map: Linux refuses a struct"
                                + " bpf_timer in any other map's value (per-CPU ones included), not " + v);
                    } else {
                        out = memory(env, out, s, pc, h, reg, v, size, size, Access.Kind.WRITE, sink);
                    }
                }
                case PTR_TO_STACK_OR_NULL -> {
                    if (!isZero(v) && !(v instanceof Value.Ptr p && p.kind() == PtrKind.STACK)) {
                        fail(sink, pc, s, h, reg, "must be a stack pointer or NULL, not " + v);
                    }
                }
                case PTR_TO_CONST_STR -> {
                    if (!(v instanceof Value.Ptr p && p.kind() == PtrKind.MAP_VALUE && env.map(p.region())
                            .map(m -> (m.flags() & Env.F_RDONLY_PROG) != 0).orElse(false))) {
                        fail(sink, pc, s, h, reg, "must point to a constant string in read-only data, not " + v);
                    } else {
                        out = memory(env, out, s, pc, h, reg, v, 1, 1, Access.Kind.READ, sink);
                    }
                }
                case PTR_TO_FUNC -> {
                    if (!Callbacks.followed(id)) {
                        sink.violation(pc, new Obligation.HelperArgument(h.name(), reg, "a supported callback"), h.name() + ": callback functions are not supported yet", s);
                    } else if (v instanceof Value.Ptr p && p.kind() == PtrKind.FUNC && p.off().isConstant()
                            && p.off().tnum().value() == 0 && env.program().program().indexAt(p.region()) >= 0) {
                        callback = p.region();
                    } else {
                        fail(sink, pc, s, h, reg, "must be a function of the program, not " + v);
                    }
                }
                case HEAP_ADDRESS -> {
                    if (v instanceof Value.Ptr p && p.kind() != PtrKind.HEAP) {
                        fail(sink, pc, s, h, reg, "must be a heap address, not " + v);
                    }
                }
                case PTR_TO_DYNPTR -> out = Dynptrs.use(env, out, s, pc, h, reg, v, sink);
                case PTR_TO_UNINIT_DYNPTR -> out = Dynptrs.create(env, out, s, pc, h, reg, v, sink);
            }
        }
        if (id == TIMER_INIT && s.reg(1) instanceof Value.Ptr t && t.kind() == PtrKind.MAP_VALUE && mapIndex >= 0
                && t.region() != mapIndex) {
            fail(sink, pc, s, h, 2, "must be the map whose value holds the timer (map " + t.region() + "), not map " + mapIndex);
        }
        if (callback >= 0) {
            // A timer callback gets the map that holds the timer (r1 points into one of its values).
            int callbackMap = id == Callbacks.TIMER_SET_CALLBACK && s.reg(1) instanceof Value.Ptr t
                    && t.kind() == PtrKind.MAP_VALUE ? t.region() : mapIndex;
            out = Callbacks.run(env, callees, out, pc, id, callback, callbackMap, sink);
        }
        if (id == SPIN_LOCK) {
            if (Locks.mayBeHeld(s, Locks.Lock.SPIN)) {
                sink.violation(pc, new Obligation.ReferenceReleased("bpf_spin_lock", java.util.OptionalInt.empty()), "bpf_spin_lock may already be held here (one lock at a time,"
                        + " as in the kernel)", s);
            }
            out = Locks.lock(out, Locks.Lock.SPIN);
        } else if (id == SPIN_UNLOCK) {
            if (!Locks.surelyHeld(s, Locks.Lock.SPIN)) {
                sink.violation(pc, new Obligation.ReferenceReleased("bpf_spin_lock", java.util.OptionalInt.empty()), "bpf_spin_unlock where bpf_spin_lock may not be held", s);
            }
            out = Locks.unlock(out, Locks.Lock.SPIN);
        }
        if (id == TAIL_CALL && Locks.holdsAnything(s)) {
            int held = java.util.Arrays.stream(s.refs()).filter(r -> !Locks.isMarker(r) || Locks.heldBy(r).isPresent())
                    .findFirst().orElseThrow();
            sink.violation(pc, new Obligation.ReferenceReleased(Locks.isMarker(held) ? Locks.heldBy(held).orElseThrow().lockName : "a reference",
                    Locks.isMarker(held) ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(held - 1)), "bpf_tail_call while holding " + (Locks.isMarker(held)
                    ? Locks.heldBy(held).orElseThrow().lockName : "a reference (acquired at pc " + (held - 1) + ")")
                    + ": release it first", s);
        }
        if (h.releasesArg() >= 0 && s.reg(h.releasesArg() + 1) instanceof Value.Ptr p && p.ref() != 0) {
            int ref = p.ref();
            out = out.release(ref).mapValues(v -> v instanceof Value.Ptr q && q.ref() == ref ? Value.TOP : v);
        }
        if (h.packetData() == HelperPrototype.PacketData.CHANGED) {
            // The packet may have moved or changed length: old pointers into it and every proved length
            // are void, as in the kernel (clear_all_pkt_pointers); the program reloads data and data_end.
            out = out.withoutPacketData();
        }
        return result(env, clobber(out, Value.UNINIT), pc, h, s, mapIndex, mapKnown);
    }

    /**
     * For a variable-sized memory argument {@code i} that may be NULL: whether its size may be
     * taken as 0 on the NULL side, reported otherwise. Linux requires a NULL argument's size to be
     * exactly 0 (check_helper_mem_access: a zero-byte access from NULL only), since helpers such as
     * csum_diff read {@code size} bytes from whatever they are given; a pointer joined with NULL
     * keeps no relation to its size, so its size must be 0 on every path (a fixed size is the
     * helper's own, and the helper checks NULL itself).
     */
    private static boolean nullSized(Env env, AbstractState s, int pc, HelperPrototype h, int i, Sink sink) {
        int sizeReg = i + 2;
        if (h.fixedSize(i).isPresent() || sizeReg > 5 || sizeReg - 1 >= h.args().size()) {
            return true;
        }
        if (s.reg(sizeReg) instanceof Value.Num n && n.scalar().u64().hi() == 0) {
            return true;
        }
        fail(sink, pc, s, h, i + 1, "may be NULL while its size (R" + sizeReg + ", " + s.reg(sizeReg)
                + ") may not be 0 (NULL is allowed only with size 0)");
        return false;
    }

    private static boolean isZero(Value v) {
        return v instanceof Value.Num n && n.scalar().isConstant() && n.scalar().tnum().value() == 0;
    }

    private static void fail(Sink sink, int pc, AbstractState s, HelperPrototype h, int reg, String what) {
        sink.violation(pc, new Obligation.HelperArgument(h.name(), reg, what), "R" + reg + " (argument " + reg + " of " + h.name() + ") " + what, s);
    }

    /** [min, max] of the size in {@code reg}, or null after reporting why it is unusable. */
    private static long[] sizeArgument(Env env, AbstractState s, int pc, HelperPrototype h, int reg, Sink sink) {
        if (reg > 5 || reg - 1 >= h.args().size()) {
            return null;
        }
        ArgKind k = h.args().get(reg - 1);
        Value v = s.reg(reg);
        if (!(v instanceof Value.Num n)) {
            if (!(v instanceof Value.Uninit)) {
                fail(sink, pc, s, h, reg, "must be a size (a number), not " + v);
            }
            return null;
        }
        Scalar sz = n.scalar();
        long max = sz.u64().hi();
        long min = sz.u64().lo();
        if (Long.compareUnsigned(max, 1L << 29) > 0) {
            fail(sink, pc, s, h, reg, "is a size that is not bounded (" + n + "): check it against the buffer's size first");
            return null;
        }
        if (k == ArgKind.CONST_SIZE && min == 0) {
            fail(sink, pc, s, h, reg, "is a size that may be 0 (" + n + ")");
        }
        return new long[] {min, max};
    }

    /**
     * Checks that {@code v} gives access to {@code [0, max)} and, for a helper that writes, that
     * those stack bytes become initialised in {@code out}.
     */
    private static AbstractState memory(Env env, AbstractState out, AbstractState s, int pc, HelperPrototype h, int reg,
                                        Value v, long min, long max, Access.Kind kind, Sink sink) {
        if (!(v instanceof Value.Ptr p)) {
            fail(sink, pc, s, h, reg, "must be a pointer to memory, not " + v);
            return out;
        }
        if (p.kind() == PtrKind.SOCKET || p.kind() == PtrKind.BTF_ID || p.kind() == PtrKind.BTF_UNTRUSTED) {
            // A helper reads and writes its memory arguments directly, not as probe reads, and a
            // socket's layout is a mirror the kernel rewrites program loads of: kernel objects are not
            // memory arguments here (the kernel takes trusted BTF pointers; Warden is stricter).
            fail(sink, pc, s, h, reg, "must be memory (stack, map value, packet or helper memory), not " + Access.describe(p));
            return out;
        }
        if (max == 0) {
            return out;
        }
        Sink.Proof proof = Access.check(env, s, pc, reg, p, 0, (int) max, kind, sink);
        if (proof != Sink.Proof.PROVED || p.kind() != PtrKind.STACK) {
            return out;
        }
        int lo = (int) (p.off().s64().lo() + Frame.STACK_SIZE);
        int hi = (int) (p.off().s64().hi() + Frame.STACK_SIZE);
        if (kind == Access.Kind.READ) {
            if (!StackOps.initialised(s, p.region(), lo, hi + (int) max) && !env.uninitStackReadable()) {
                sink.violation(pc, Obligation.Initialised.stack(lo - Frame.STACK_SIZE, hi - lo + (int) max), "R" + reg + " (argument " + reg + " of " + h.name()
                        + ") points to stack bytes that may never have been written", s);
            }
            return out;
        }
        Optional<Value.Ptr> dynptr = Dynptrs.referenced(s, p.region(), lo, hi + (int) max);
        if (dynptr.isPresent()) {
            sink.violation(pc, new Obligation.ReferenceReleased("a ring buffer reservation held by a dynptr", java.util.OptionalInt.of(dynptr.get().ref() - 1)), "R" + reg + " (argument " + reg + " of " + h.name()
                    + ") would overwrite a dynptr holding the ring buffer reservation of pc " + (dynptr.get().ref() - 1), s);
        }
        // The helper writes at least min bytes where the pointer is known exactly; anything else may be written.
        if (lo == hi && min == max) {
            return StackOps.fill(out, p.region(), lo, lo + (int) max);
        }
        return StackOps.smear(out, p.region(), lo, hi + (int) max);
    }

    private static AbstractState clobber(AbstractState s, Value r0) {
        for (int r = 1; r <= 5; r++) {
            s = s.withReg(r, Value.UNINIT);
        }
        return s.withReg(0, r0);
    }

    private static AbstractState result(Env env, AbstractState s, int pc, HelperPrototype h, AbstractState before,
                                        int mapIndex, boolean mapKnown) {
        int site = pc + 1;
        s = s.forgetId(site);
        Value r0 = switch (h.ret()) {
            case INTEGER -> h.returnRange().map(r -> (Value) Value.Num.of(Scalar.signedRange(r.min(), r.max()))).orElse(Value.TOP);
            case VOID -> Value.UNINIT;
            case MAP_VALUE_OR_NULL -> {
                Optional<BpfMap> m = env.map(mapIndex);
                boolean inner = m.isPresent() && (m.get().type() == 12 || m.get().type() == 13);
                Optional<MapLookup> lookup = m.flatMap(x -> env.platform().mapType(x.type())).map(x -> x.lookup());
                if (lookup.isPresent() && lookup.get() == MapLookup.SOCKET) {
                    // A sockmap or sockhash entry is a referenced socket (the kernel's PTR_TO_SOCKET_OR_NULL).
                    yield new Value.Ptr(PtrKind.SOCKET, ObjectKind.SOCKET.ordinal(), Scalar.constant(0), site, 0,
                            Nullness.MAYBE_NULL, site);
                }
                if (lookup.isPresent() && lookup.get() == MapLookup.XDP_SOCK) {
                    yield new Value.Ptr(PtrKind.SOCKET, ObjectKind.XDP_SOCK.ordinal(), Scalar.constant(0), site, 0,
                            Nullness.MAYBE_NULL, 0);
                }
                Nullness found = mapKnown && ConstantKey.surelyFound(env, before, h.id(), m.get(), before.reg(2))
                        ? Nullness.NOT_NULL : Nullness.MAYBE_NULL;
                yield inner ? new Value.Ptr(PtrKind.MAP, -1, Scalar.constant(0), site, 0, Nullness.MAYBE_NULL, 0)
                        : new Value.Ptr(PtrKind.MAP_VALUE, mapKnown ? mapIndex : -1, Scalar.constant(0), site, 0,
                            found, 0);
            }
            case SOCKET_OR_NULL, TCP_SOCK_OR_NULL, SOCK_COMMON_OR_NULL -> {
                ObjectKind k = h.ret() == RetKind.SOCKET_OR_NULL ? ObjectKind.SOCKET
                        : h.ret() == RetKind.TCP_SOCK_OR_NULL ? ObjectKind.TCP_SOCK : ObjectKind.SOCK_COMMON;
                yield new Value.Ptr(PtrKind.SOCKET, k.ordinal(), Scalar.constant(0), site, 0, Nullness.MAYBE_NULL,
                        h.acquiresReference() ? site : 0);
            }
            case ALLOC_MEM_OR_NULL -> {
                long size = before.reg(2) instanceof Value.Num n && n.scalar().isConstant() ? n.scalar().tnum().value() : 0;
                yield new Value.Ptr(PtrKind.MEM, (int) Math.min(size, Integer.MAX_VALUE), Scalar.constant(0), site, 0,
                        Nullness.MAYBE_NULL, site);
            }
            // bpf_dynptr_data: len bytes (r3, a constant) or NULL. Others are sized by BTF (per-CPU
            // variables), which this analysis does not follow: no byte is known readable.
            case MEM_OR_NULL -> h.id() == Dynptrs.DYNPTR_DATA ? Dynptrs.data(before, site)
                    : new Value.Ptr(PtrKind.MEM, 0, Scalar.constant(0), site, 0, Nullness.MAYBE_NULL, 0);
            case MEM -> Value.Ptr.of(PtrKind.MEM, 0, 0);
            case MAP_VALUE -> env.map(mapIndex).isPresent() ? Value.Ptr.of(PtrKind.MAP_VALUE, mapIndex, 0)
                    : Value.Ptr.of(PtrKind.MAP_VALUE, -1, 0);
            case BTF_ID_OR_NULL -> new Value.Ptr(PtrKind.BTF_ID, KernelArguments.returned(env, h), Scalar.constant(0), site, 0,
                    Nullness.MAYBE_NULL, h.acquiresReference() ? site : 0);
            case BTF_ID -> Value.Ptr.of(PtrKind.BTF_ID, KernelArguments.returned(env, h), 0);
            case HEAP_OR_NULL -> {
                // An object of a constant size: accesses inside it need no guard. Of a size not known
                // here (or one no int holds): an address in the heap, every access guarded.
                long size = before.reg(1) instanceof Value.Num n && n.scalar().isConstant() ? n.scalar().tnum().value() : 0;
                int region = size > 0 && size <= Integer.MAX_VALUE ? (int) size : 0;
                yield new Value.Ptr(PtrKind.HEAP, region, Scalar.constant(0), site, 0, Nullness.MAYBE_NULL, 0);
            }
            case HEAP_ROOT -> Value.Ptr.of(PtrKind.HEAP, dev.warden.verifier.platform.KflexHelpers.ROOT_SIZE, 0);
        };
        if (r0 instanceof Value.Ptr p && p.ref() != 0) {
            s = s.acquire(p.ref());
        }
        return s.withReg(0, r0);
    }
}
