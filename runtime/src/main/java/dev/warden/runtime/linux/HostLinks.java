package dev.warden.runtime.linux;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.vm.Access;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a verified program reaches what its host binds by name: each kfunc call (a host function,
 * {@code extern T f(...) __ksym}) becomes a call of the helper id the host function was given, and
 * each load of a host variable's address ({@code BTF_ID}) the variable's real address plus the
 * relocation's offset. Like {@link MapReferences}, a rewrite in place: a call stays one slot and a
 * 64-bit load two, so pcs (and the proof's facts by pc) do not move.
 *
 * @param helperAt by pc of a kfunc call, the helper id to call instead
 * @param addressAt by pc of a {@code BTF_ID} load, the address to load instead
 * @param covered by the verifier's {@code HOST} region (an EIM host object: an entry's argument
 *     object, a host variable), the rights of the runtime's memory for it, for the objects the
 *     runtime gives the program whole (at least {@code sizeof} the object's type, mapped for as
 *     long as the program is loaded): {@link ProvedChecks} elides the proved accesses to these
 *     only; an object not named keeps its checks
 */
public record HostLinks(Map<Integer, Integer> helperAt, Map<Integer, Long> addressAt, Map<Integer, Access> covered) {
    /** Nothing to link: a program that calls no host function by name and addresses no host variable. */
    public static final HostLinks NONE = new HostLinks(Map.of(), Map.of());

    public HostLinks {
        helperAt = java.util.Collections.unmodifiableMap(new TreeMap<>(helperAt));
        addressAt = java.util.Collections.unmodifiableMap(new TreeMap<>(addressAt));
        covered = java.util.Collections.unmodifiableMap(new TreeMap<>(covered));
    }

    /** Links that cover no host object: every access to host memory keeps its check. */
    public HostLinks(Map<Integer, Integer> helperAt, Map<Integer, Long> addressAt) {
        this(helperAt, addressAt, Map.of());
    }

    /** These links with no host object covered: every access to host memory keeps its check. */
    public HostLinks uncovered() {
        return new HostLinks(helperAt, addressAt, Map.of());
    }

    /** These links, with {@code more} host objects covered. */
    public HostLinks covering(Map<Integer, Access> more) {
        Map<Integer, Access> all = new TreeMap<>(covered);
        all.putAll(more);
        return new HostLinks(helperAt, addressAt, all);
    }

    /** {@code program} with the linked instructions rewritten; every other instruction is kept. */
    Program apply(Program program) {
        if (helperAt.isEmpty() && addressAt.isEmpty()) {
            return program;
        }
        return MapReferences.sameShape(program, (pc, insn) -> {
            if (insn instanceof Instruction.Call c && c.kind() == Instruction.CallKind.KFUNC && helperAt.containsKey(pc)) {
                return new Instruction.Call(Instruction.CallKind.HELPER, helperAt.get(pc));
            }
            if (insn instanceof Instruction.LoadImm64 l && addressAt.containsKey(pc)) {
                return Instruction.LoadImm64.of(l.dst(), addressAt.get(pc));
            }
            return insn;
        });
    }
}
