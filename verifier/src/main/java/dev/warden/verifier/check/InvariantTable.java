package dev.warden.verifier.check;

import dev.warden.verifier.InvariantDetail;
import dev.warden.verifier.PcInvariant;
import dev.warden.verifier.state.AbstractState;
import dev.warden.verifier.state.Frame;
import dev.warden.verifier.state.Lattice;
import dev.warden.verifier.state.Spill;
import dev.warden.verifier.state.Thresholds;
import dev.warden.verifier.state.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The check pass's states before each pc, kept at the requested {@link InvariantDetail}: one
 * entry per pc, joined over the calling contexts the pass checks the pc in.
 */
public final class InvariantTable {
    /** Joins (never widenings) use no thresholds. */
    private static final Thresholds NO_THRESHOLDS = Thresholds.of(java.util.stream.LongStream.empty());

    private final InvariantDetail detail;
    private final Value[][] registers;
    private final List<List<Spill>> spills;
    private final List<List<AbstractState>> states;
    /** The last stack summarised, and its spills: consecutive pcs mostly share one stack array. */
    private Frame lastFrame;
    private List<Spill> lastSpills = List.of();

    public InvariantTable(int slots, InvariantDetail detail) {
        this.detail = detail;
        this.registers = new Value[slots][];
        this.spills = new ArrayList<>(java.util.Collections.nCopies(slots, (List<Spill>) null));
        this.states = detail == InvariantDetail.FULL_STATES ? new ArrayList<>(java.util.Collections.nCopies(slots, (List<AbstractState>) null))
                : List.of();
    }

    /** Records the state before {@code pc} in one context (bottom states are not recorded). */
    public void record(int pc, AbstractState s) {
        if (s.isBottom()) {
            return;
        }
        Frame top = s.top();
        Value[] regs = new Value[Frame.REGISTERS];
        for (int r = 0; r < regs.length; r++) {
            regs[r] = top.reg(r);
        }
        List<Spill> sp = spillsOf(top);
        if (registers[pc] == null) {
            registers[pc] = regs;
            spills.set(pc, sp);
        } else {
            Value[] old = registers[pc];
            for (int r = 0; r < regs.length; r++) {
                old[r] = Lattice.join(old[r], regs[r], Lattice.Mode.JOIN, NO_THRESHOLDS);
            }
            List<Spill> common = new ArrayList<>();
            for (Spill a : spills.get(pc)) {
                for (Spill b : sp) {
                    if (a.start() == b.start() && a.size() == b.size()) {
                        Value v = Lattice.join(a.value(), b.value(), Lattice.Mode.JOIN, NO_THRESHOLDS);
                        if (!(v instanceof Value.Uninit)) {
                            common.add(new Spill(v, a.start(), a.size()));
                        }
                    }
                }
            }
            spills.set(pc, List.copyOf(common));
        }
        if (detail == InvariantDetail.FULL_STATES) {
            List<AbstractState> at = states.get(pc);
            if (at == null) {
                states.set(pc, new ArrayList<>(List.of(s)));
            } else if (!at.contains(s)) {
                at.add(s);
            }
        }
    }

    private List<Spill> spillsOf(Frame f) {
        if (lastFrame != null && sameStack(lastFrame, f)) {
            return lastSpills;
        }
        List<Spill> out = new ArrayList<>();
        Object previous = null;
        for (int i = 0; i < Frame.STACK_SIZE; i++) {
            Object cell = f.stackAt(i);
            if (cell instanceof Spill sp && cell != previous) {
                out.add(sp);
            }
            previous = cell;
        }
        lastFrame = f;
        lastSpills = List.copyOf(out);
        return lastSpills;
    }

    private static boolean sameStack(Frame a, Frame b) {
        return a.sharesStackWith(b);
    }

    /** The invariant before {@code pc}, if the check pass reached it. */
    public Optional<PcInvariant> at(int pc) {
        if (pc < 0 || pc >= registers.length || registers[pc] == null) {
            return Optional.empty();
        }
        List<AbstractState> full = detail == InvariantDetail.FULL_STATES ? states.get(pc) : List.of();
        return Optional.of(new PcInvariant(pc, List.of(registers[pc]), spills.get(pc), full == null ? List.of() : full));
    }

    public InvariantDetail detail() {
        return detail;
    }
}
