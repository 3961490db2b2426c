package dev.warden.verifier.state;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * The abstract machine state at one program point: the frames of the active calls (the last is
 * the running function), the packet ranges proved so far, and the references the program holds.
 * Immutable; {@link #BOTTOM} stands for "unreachable".
 *
 * <p>Packet ranges: {@code range(id)} bytes are readable from the base of variable offset
 * {@code id} (id 0: from {@code data}; {@link #META_RANGE}: from {@code data_meta}, up to
 * {@code data}); see {@link Value.Ptr}.
 */
public final class AbstractState {
    /**
     * The range id of the packet metadata: bytes proved to lie between {@code data_meta} and
     * {@code data}. No site or join allocates it (sites are pc + 1, joins count down from -1).
     */
    public static final int META_RANGE = Integer.MIN_VALUE;

    public static final AbstractState BOTTOM = new AbstractState(new Frame[0], new int[0], new int[0], new int[0]);

    private final Frame[] frames;
    private final int[] rangeIds;
    private final int[] rangeVals;
    private final int[] refs;
    private int hash;

    private AbstractState(Frame[] frames, int[] rangeIds, int[] rangeVals, int[] refs) {
        this.frames = frames;
        this.rangeIds = rangeIds;
        this.rangeVals = rangeVals;
        this.refs = refs;
    }

    /** The state at a program's entry: one frame, r1..r5 as given, everything else uninitialised. */
    public static AbstractState entry(Value[] args) {
        Frame f = Frame.fresh(0);
        Value[] regs = f.regs.clone();
        for (int i = 0; i < args.length; i++) {
            regs[1 + i] = args[i];
        }
        return new AbstractState(new Frame[] {f.withRegs(regs)}, new int[0], new int[0], new int[0]);
    }

    public boolean isBottom() {
        return frames.length == 0;
    }

    /** Depth of the running function: 0 for the entry function. */
    public int depth() {
        return frames.length - 1;
    }

    public Frame frame(int depth) {
        return frames[depth];
    }

    public Frame top() {
        return frames[frames.length - 1];
    }

    public Value reg(int r) {
        return top().regs[r];
    }

    public AbstractState withReg(int r, Value v) {
        Frame t = top();
        Frame n = t.withReg(r, v);
        return n == t ? this : withFrame(depth(), n);
    }

    public AbstractState withFrame(int depth, Frame f) {
        Frame[] fs = frames.clone();
        fs[depth] = f;
        return new AbstractState(fs, rangeIds, rangeVals, refs);
    }

    /** Enters a call: a fresh frame with r1..r5 of the caller. */
    public AbstractState push() {
        Frame callee = Frame.fresh(frames.length);
        Value[] regs = callee.regs.clone();
        for (int r = 1; r <= 5; r++) {
            regs[r] = reg(r);
        }
        Frame[] fs = Arrays.copyOf(frames, frames.length + 1);
        fs[frames.length] = callee.withRegs(regs);
        return new AbstractState(fs, rangeIds, rangeVals, refs);
    }

    /** Leaves a call: drops the running frame; the caller gets r0, loses r1..r5 (clobbered). */
    public AbstractState pop() {
        Value r0 = reg(0);
        Frame[] fs = Arrays.copyOf(frames, frames.length - 1);
        Value[] regs = fs[fs.length - 1].regs.clone();
        regs[0] = r0;
        for (int r = 1; r <= 5; r++) {
            regs[r] = Value.UNINIT;
        }
        fs[fs.length - 1] = fs[fs.length - 1].withRegs(regs);
        return new AbstractState(fs, rangeIds, rangeVals, refs);
    }

    // ---------------------------------------------------------------- packet ranges

    /** Bytes proved readable from the base of packet variable offset {@code id}. */
    public int range(int id) {
        int i = Arrays.binarySearch(rangeIds, id);
        return i >= 0 ? rangeVals[i] : 0;
    }

    /** The ids that have a packet range. */
    java.util.Set<Integer> rangeIdSet() {
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        for (int id : rangeIds) {
            ids.add(id);
        }
        return ids;
    }

    /** Records that at least {@code bytes} are readable from the base of {@code id}. */
    public AbstractState withRange(int id, int bytes) {
        if (bytes <= range(id)) {
            return this;
        }
        int i = Arrays.binarySearch(rangeIds, id);
        if (i >= 0) {
            int[] vals = rangeVals.clone();
            vals[i] = bytes;
            return new AbstractState(frames, rangeIds, vals, refs);
        }
        int at = -i - 1;
        int[] ids = new int[rangeIds.length + 1];
        int[] vals = new int[rangeIds.length + 1];
        System.arraycopy(rangeIds, 0, ids, 0, at);
        System.arraycopy(rangeVals, 0, vals, 0, at);
        ids[at] = id;
        vals[at] = bytes;
        System.arraycopy(rangeIds, at, ids, at + 1, rangeIds.length - at);
        System.arraycopy(rangeVals, at, vals, at + 1, rangeIds.length - at);
        return new AbstractState(frames, ids, vals, refs);
    }

    private AbstractState withoutRange(int id) {
        int i = Arrays.binarySearch(rangeIds, id);
        if (i < 0) {
            return this;
        }
        int[] ids = new int[rangeIds.length - 1];
        int[] vals = new int[rangeIds.length - 1];
        System.arraycopy(rangeIds, 0, ids, 0, i);
        System.arraycopy(rangeVals, 0, vals, 0, i);
        System.arraycopy(rangeIds, i + 1, ids, i, ids.length - i);
        System.arraycopy(rangeVals, i + 1, vals, i, ids.length - i);
        return new AbstractState(frames, ids, vals, refs);
    }

    // ---------------------------------------------------------------- references

    public int[] refs() {
        return refs.clone();
    }

    public boolean holds(int ref) {
        return Arrays.binarySearch(refs, ref) >= 0;
    }

    public AbstractState acquire(int ref) {
        if (holds(ref)) {
            return this;
        }
        int[] r = Arrays.copyOf(refs, refs.length + 1);
        r[refs.length] = ref;
        Arrays.sort(r);
        return new AbstractState(frames, rangeIds, rangeVals, r);
    }

    public AbstractState release(int ref) {
        if (!holds(ref)) {
            return this;
        }
        return new AbstractState(frames, rangeIds, rangeVals, Arrays.stream(refs).filter(x -> x != ref).toArray());
    }

    // ---------------------------------------------------------------- whole-state value maps

    /**
     * Applies {@code f} to every register of every frame and every spilled value; {@code f} must
     * return its argument unchanged (the same object) where it has nothing to do.
     */
    public AbstractState mapValues(UnaryOperator<Value> f) {
        if (isBottom()) {
            return this;
        }
        Frame[] fs = null;
        for (int d = 0; d < frames.length; d++) {
            Frame fr = frames[d];
            Value[] regs = null;
            for (int r = 0; r < Frame.REGISTERS; r++) {
                Value v = f.apply(fr.regs[r]);
                if (v != fr.regs[r]) {
                    if (regs == null) {
                        regs = fr.regs.clone();
                    }
                    regs[r] = v;
                }
            }
            Object[] stack = null;
            for (int i = 0; i < Frame.STACK_SIZE; i++) {
                if (fr.stack[i] instanceof Spill s && s.start() == i) {
                    Value v = f.apply(s.value());
                    if (v != s.value()) {
                        if (stack == null) {
                            stack = fr.stack.clone();
                        }
                        Object repl = v instanceof Value.Uninit ? StackByte.MISC : new Spill(v, s.start(), s.size());
                        for (int k = 0; k < s.size(); k++) {
                            stack[i + k] = repl;
                        }
                    }
                    i += s.size() - 1;
                }
            }
            if (regs != null || stack != null) {
                if (fs == null) {
                    fs = frames.clone();
                }
                fs[d] = new Frame(regs != null ? regs : fr.regs, stack != null ? stack : fr.stack);
            }
        }
        return fs == null ? this : new AbstractState(fs, rangeIds, rangeVals, refs);
    }

    /**
     * After a helper that may move or resize the packet: every pointer into it (data, data_end,
     * data_meta and what was derived from them) becomes an unknown number, and no packet length is
     * proved any more.
     */
    public AbstractState withoutPacketData() {
        if (isBottom()) {
            return this;
        }
        AbstractState s = mapValues(v -> v instanceof Value.Ptr p && (p.kind() == PtrKind.PACKET
                || p.kind() == PtrKind.PACKET_END || p.kind() == PtrKind.PACKET_META) ? Value.TOP : v);
        return rangeIds.length == 0 ? s : new AbstractState(s.frames, new int[0], new int[0], s.refs);
    }

    /** Marks the id an allocation site's previous execution made (see {@link #ageId}). */
    private static final int PREVIOUS = 1 << 29;

    /**
     * Before site {@code id} (a pc + 1) makes a new link: what its previous execution made keeps its
     * link under a second id of the site, "previous", and what the execution before that made loses
     * it. So a walk {@code prev = cur; cur = cur + len} keeps the range proved for {@code prev}
     * (checked as {@code cur} one iteration earlier) when the next {@code cur} is made, instead of
     * forgetting it because both come from the same instruction. Holders of the previous id are
     * still equal to each other, and the new value is told apart by the site's own id.
     */
    public AbstractState ageId(int id) {
        if (id == 0 || id >= PREVIOUS || id <= -PREVIOUS || isBottom()) {
            return forgetId(id);
        }
        // A join site's fresh ids are negative (JoinSite): their previous id is below -2^29.
        int prev = id > 0 ? id | PREVIOUS : id - PREVIOUS;
        AbstractState s = forgetId(prev);
        int r = s.range(id);
        s = s.mapValues(v -> switch (v) {
            case Value.Num n when n.id() == id -> n.withId(prev);
            case Value.Ptr p when p.id() == id -> p.withId(prev);
            default -> v;
        }).withoutRange(id);
        return r > 0 ? s.withRange(prev, r) : s;
    }

    /** Before site {@code id} makes a new link: the old holders of that id lose it (and its packet range). */
    public AbstractState forgetId(int id) {
        if (id == 0 || isBottom()) {
            return this;
        }
        AbstractState s = mapValues(v -> switch (v) {
            case Value.Num n when n.id() == id -> n.withId(0);
            case Value.Ptr p when p.id() == id -> p.kind() == PtrKind.PACKET
                    ? new Value.Ptr(p.kind(), p.region(), p.off(), 0, 0, p.nullness(), p.ref())
                    : p.withId(0);
            default -> v;
        });
        return s.withoutRange(id);
    }

    // ---------------------------------------------------------------- lattice

    public AbstractState join(AbstractState o, Lattice.Mode mode, Thresholds t) {
        return join(o, mode, t, JoinSite.NONE);
    }

    /**
     * The join (or widening) at {@code site}: packet pointers that arrive in the same register or
     * 8-byte spill with different variable-offset ids or fixed parts get a fresh id of the site,
     * whose range is what both paths proved readable after the pointer.
     */
    public AbstractState join(AbstractState o, Lattice.Mode mode, Thresholds t, JoinSite site) {
        if (!isBottom() && !o.isBottom() && this != o && frames.length == o.frames.length) {
            o = IdAlignment.align(this, o);
            AbstractState[] ab = IdAlignment.alignNulls(this, o);
            return ab[0].joinAligned(ab[1], mode, t, site);
        }
        return joinAligned(o, mode, t, site);
    }

    private AbstractState joinAligned(AbstractState o, Lattice.Mode mode, Thresholds t, JoinSite site) {
        if (!site.enabled() || isBottom() || o.isBottom() || this == o || frames.length != o.frames.length) {
            return plainJoin(o, mode, t);
        }
        java.util.List<int[]> fresh = new java.util.ArrayList<>();
        for (int d = 0; d < frames.length; d++) {
            Frame a = frames[d];
            Frame b = o.frames[d];
            if (a == b) {
                continue;
            }
            for (int r = 0; r < Frame.REGISTERS; r++) {
                freshCandidate(a.regs[r], b.regs[r], o, d, r, -1, site, fresh);
            }
            if (a.stack != b.stack) {
                for (int i = 0; i < Frame.STACK_SIZE; i++) {
                    if (a.stack[i] instanceof Spill sa && sa.start() == i && sa.size() == 8 && b.stack[i] instanceof Spill sb
                            && sb.start() == i && sb.size() == 8) {
                        freshCandidate(sa.value(), sb.value(), o, d, 16 + i, i, site, fresh);
                    }
                }
            }
        }
        if (fresh.isEmpty()) {
            return plainJoin(o, mode, t);
        }
        AbstractState a = this;
        AbstractState b = o;
        for (int[] f : fresh) {
            // The site's id may still be held from the join's previous execution (a loop body's
            // merge, run again on the next iteration or unrolled round): those holders keep their
            // link and range under the site's "previous" id, as at an allocation site, so a header
            // walk's previous-header pointer made by the last merge stays bounded.
            a = a.ageId(f[3]);
            b = b.ageId(f[3]);
        }
        AbstractState j = a.plainJoin(b, mode, t);
        for (int[] f : fresh) {
            int d = f[0];
            int id = f[3];
            Frame fr = j.frames[d];
            Value v = f[2] < 0 ? fr.regs[f[1]] : ((Spill) fr.stack[f[2]]).value();
            if (!(v instanceof Value.Ptr p) || p.kind() != PtrKind.PACKET) {
                continue;
            }
            Value.Ptr np = new Value.Ptr(PtrKind.PACKET, p.region(), p.off(), id, 0, p.nullness(), p.ref());
            if (f[2] < 0) {
                j = j.withFrame(d, fr.withReg(f[1], np));
            } else {
                Object[] st = fr.stackCopy();
                Spill sp = new Spill(np, f[2], 8);
                for (int k = 0; k < 8; k++) {
                    st[f[2] + k] = sp;
                }
                j = j.withFrame(d, fr.withStack(st));
            }
            if (f[4] > 0) {
                j = j.withRange(id, f[4]);
            }
        }
        return j;
    }

    /** Records {depth, reg, spill start, id, range} when both values are packet pointers that disagree on their base. */
    private void freshCandidate(Value x, Value y, AbstractState o, int depth, int reg, int spill, JoinSite site,
                                java.util.List<int[]> out) {
        if (x instanceof Value.Ptr p && y instanceof Value.Ptr q && p.kind() == PtrKind.PACKET && q.kind() == PtrKind.PACKET
                && p.region() == q.region() && p.ref() == q.ref() && (p.id() != q.id() || p.fix() != q.fix() || p.id() == 0 && !p.off().equals(q.off()))) {
            int id = site.idFor(depth, reg);
            long rel = Math.min(readableAfter(this, p), readableAfter(o, q));
            out.add(new int[] {depth, spill < 0 ? reg : 0, spill, id, (int) Math.max(0, Math.min(rel, Integer.MAX_VALUE))});
        }
    }

    /** Bytes known readable from packet pointer {@code p} on in this state (0 for other kinds). */
    public long readableAfter(Value.Ptr p) {
        return p.kind() == PtrKind.PACKET ? readableAfter(this, p) : 0;
    }

    /** Bytes known readable from pointer {@code p} on in state {@code s}. */
    private static long readableAfter(AbstractState s, Value.Ptr p) {
        long best = 0;
        if (p.id() != 0) {
            best = s.range(p.id()) - p.fix();
        }
        var off = p.off();
        if (!off.isBottom() && off.s64().lo() >= 0 && off.s64().hi() < (1L << 30)) {
            best = Math.max(best, s.range(0) - off.s64().hi());
        }
        return best;
    }

    private AbstractState plainJoin(AbstractState o, Lattice.Mode mode, Thresholds t) {
        if (isBottom()) {
            return o;
        }
        if (o.isBottom() || this == o) {
            return this;
        }
        if (frames.length != o.frames.length) {
            throw new IllegalStateException("joining states of different call depths");
        }
        Frame[] fs = new Frame[frames.length];
        boolean same = true;
        LengthFact.LengthFloor fa = this::leastLength;
        LengthFact.LengthFloor fb = o::leastLength;
        for (int d = 0; d < frames.length; d++) {
            fs[d] = joinFrames(frames[d], o.frames[d], mode, t, fa, fb);
            same &= fs[d] == frames[d];
        }
        // Ranges: only what both know, the smaller of the two.
        int n = 0;
        int[] ids = new int[rangeIds.length];
        int[] vals = new int[rangeIds.length];
        for (int i = 0; i < rangeIds.length; i++) {
            int other = o.range(rangeIds[i]);
            int v = Math.min(rangeVals[i], other);
            if (v > 0) {
                ids[n] = rangeIds[i];
                vals[n++] = v;
            }
        }
        ids = Arrays.copyOf(ids, n);
        vals = Arrays.copyOf(vals, n);
        // References: held if held on either path.
        int[] r = java.util.stream.IntStream.concat(Arrays.stream(refs), Arrays.stream(o.refs)).distinct().sorted().toArray();
        if (same && Arrays.equals(ids, rangeIds) && Arrays.equals(vals, rangeVals) && Arrays.equals(r, refs)) {
            return this;
        }
        return new AbstractState(fs, ids, vals, r);
    }

    /**
     * The least value this state knows of length symbol {@code sym}: the largest lower bound any of
     * its length facts carries (each holds in this state), at least 0. Only a join of a value that
     * has a fact with one that has none asks, so states without facts never scan.
     */
    public long leastLength(int sym) {
        long[] best = {0};
        for (Frame f : frames) {
            for (Value v : f.regs) {
                best[0] = Math.max(best[0], leastIn(v, sym));
            }
            for (Object x : f.stack) {
                if (x instanceof Spill sp) {
                    best[0] = Math.max(best[0], leastIn(sp.value(), sym));
                }
            }
        }
        return best[0];
    }

    private static long leastIn(Value v, int sym) {
        LengthFact f = v instanceof Value.Num n ? n.fact() : v instanceof Value.Ptr p ? p.fact() : LengthFact.NONE;
        return f.sym() == sym ? f.least() : 0;
    }

    private static Frame joinFrames(Frame a, Frame b, Lattice.Mode mode, Thresholds t, LengthFact.LengthFloor fa, LengthFact.LengthFloor fb) {
        if (a == b || a.equals(b)) {
            return a;
        }
        Value[] regs = a.regs;
        for (int r = 0; r < Frame.REGISTERS; r++) {
            Value v = Lattice.join(a.regs[r], b.regs[r], mode, t, fa, fb);
            if (v != a.regs[r]) {
                if (regs == a.regs) {
                    regs = a.regs.clone();
                }
                regs[r] = v;
            }
        }
        Object[] stack = a.stack == b.stack ? a.stack : joinStacks(a.stack, b.stack, mode, t, fa, fb);
        if (regs == a.regs && stack == a.stack) {
            return a;
        }
        return new Frame(regs, stack);
    }

    private static Object[] joinStacks(Object[] a, Object[] b, Lattice.Mode mode, Thresholds t, LengthFact.LengthFloor fa,
                                       LengthFact.LengthFloor fb) {
        Object[] out = null;
        for (int i = 0; i < Frame.STACK_SIZE; i++) {
            Object x = a[i];
            Object y = b[i];
            if (x == y) {
                continue;
            }
            if (x instanceof Spill s && y instanceof Spill u && s.start() == u.start() && s.size() == u.size() && s.start() == i) {
                Value v = Lattice.join(s.value(), u.value(), mode, t, fa, fb);
                if (v != s.value()) {
                    if (out == null) {
                        out = a.clone();
                    }
                    Object repl = v instanceof Value.Uninit ? StackByte.UNINIT : new Spill(v, i, s.size());
                    for (int k = 0; k < s.size(); k++) {
                        out[i + k] = repl;
                    }
                }
                i += s.size() - 1;
                continue;
            }
            if (x instanceof Spill s && y instanceof Spill u && s.equals(u)) {
                continue;
            }
            StackByte k = kind(x).join(kind(y));
            if (x != k) {
                if (out == null) {
                    out = a.clone();
                }
                // Demote the whole spill x belonged to: a partial spill is no longer a value.
                if (x instanceof Spill s) {
                    for (int j = s.start(); j < s.start() + s.size(); j++) {
                        if (out[j] == x) {
                            out[j] = StackByte.MISC;
                        }
                    }
                }
                out[i] = k;
            }
        }
        if (out == null) {
            return a;
        }
        // A spill whose bytes were partly demoted above is demoted whole. Whether a spill is whole is
        // decided by its first byte met here and cannot change afterwards (a spill found broken stays
        // broken as its bytes are demoted), so it is checked once per run of bytes, not once per byte.
        Spill last = null;
        boolean lastWhole = false;
        for (int i = 0; i < Frame.STACK_SIZE; i++) {
            if (out[i] instanceof Spill s) {
                if (s != last) {
                    boolean whole = s.start() >= 0 && s.start() + s.size() <= Frame.STACK_SIZE;
                    for (int j = s.start(); whole && j < s.start() + s.size(); j++) {
                        whole = out[j] == s;
                    }
                    last = s;
                    lastWhole = whole;
                }
                if (!lastWhole) {
                    out[i] = StackByte.MISC;
                }
            }
        }
        return out;
    }

    static StackByte kind(Object cell) {
        return cell instanceof StackByte b ? b : StackByte.MISC;
    }

    /** Whether this state is contained in {@code o} as far as the lattice can tell (join changes nothing). */
    public boolean leq(AbstractState o, Thresholds t) {
        if (isBottom()) {
            return true;
        }
        return o.join(this, Lattice.Mode.JOIN, t).equals(o);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AbstractState s) || hash != 0 && s.hash != 0 && hash != s.hash) {
            return false;
        }
        return Arrays.equals(frames, s.frames) && Arrays.equals(rangeIds, s.rangeIds)
                && Arrays.equals(rangeVals, s.rangeVals) && Arrays.equals(refs, s.refs);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = ((Arrays.hashCode(frames) * 31 + Arrays.hashCode(rangeIds)) * 31 + Arrays.hashCode(rangeVals)) * 31
                    + Arrays.hashCode(refs);
            hash = h == 0 ? 1 : h;
        }
        return hash;
    }

    /** Registers of the running function and the live stack slots, as the log prints them. */
    @Override
    public String toString() {
        if (isBottom()) {
            return "unreachable";
        }
        StringBuilder sb = new StringBuilder();
        Frame f = top();
        for (int r = 0; r < 10; r++) {
            if (!(f.regs[r] instanceof Value.Uninit)) {
                sb.append(sb.isEmpty() ? "" : " ").append('R').append(r).append('=').append(f.regs[r]);
            }
        }
        for (int i = 0; i < Frame.STACK_SIZE; i++) {
            Object c = f.stack[i];
            if (c instanceof Spill s && s.start() == i) {
                sb.append(" fp").append(i - Frame.STACK_SIZE).append('=').append(s.value());
                i += s.size() - 1;
            } else if (c == StackByte.MISC || c == StackByte.ZERO) {
                int j = i;
                while (j + 1 < Frame.STACK_SIZE && f.stack[j + 1] == c) {
                    j++;
                }
                sb.append(" fp").append(i - Frame.STACK_SIZE).append("..").append(j + 1 - Frame.STACK_SIZE)
                        .append(c == StackByte.ZERO ? "=0" : "=misc");
                i = j;
            }
        }
        for (int i = 0; i < rangeIds.length; i++) {
            sb.append(" pkt_range[").append(rangeIds[i]).append("]=").append(rangeVals[i]);
        }
        int[] real = Arrays.stream(refs).filter(r -> !Locks.isMarker(r)).toArray();
        if (real.length > 0) {
            sb.append(" refs=").append(Arrays.toString(real));
        }
        for (Locks.Lock l : Locks.Lock.values()) {
            if (holds(l.held)) {
                sb.append(' ').append(l.lockName).append(holds(l.free) ? "=maybe" : "=held");
            }
        }
        return sb.toString();
    }
}
