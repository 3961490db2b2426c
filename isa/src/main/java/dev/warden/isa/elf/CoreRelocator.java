package dev.warden.isa.elf;

import dev.warden.isa.Imm;
import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.Program;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies an object's CO-RE relocations against a target kernel's BTF (for example {@code
 * /sys/kernel/btf/vmlinux}), as libbpf does when it loads the object: each relocated
 * instruction gets the offset, size, existence or value the access has on that kernel.
 *
 * <p>Matching follows libbpf's rules in a simplified form: candidates are target types of the
 * same kind whose name equals the local root's without its {@code ___flavour} suffix; named
 * members are found by name, searching through anonymous struct and union members; array
 * steps keep their index and must stay inside the target array. Two simplifications: the final
 * field's type is checked only for the same kind family (integer, enum, pointer, composite,
 * array, float), and bitfield relocations ({@code FIELD_LSHIFT_U64}, {@code FIELD_RSHIFT_U64}
 * and byte offsets of bitfields) are reported as failures rather than computed.
 */
public final class CoreRelocator {
    /** The helper id libbpf writes into an instruction whose relocation failed (0xbad2310). */
    public static final int POISON_HELPER = 0xbad2310;

    private final Btf target;
    /** The target's named types by name without flavour (an index of ids: vmlinux has over 100,000 types). */
    private final BtfNames byEssentialName;

    public CoreRelocator(Btf target) {
        this.target = target;
        this.byEssentialName = target.index(CoreRelocator::essential);
    }

    /** Reads raw BTF, as the kernel exposes it in {@code /sys/kernel/btf/vmlinux}. */
    public static Btf readBtf(Path path) throws IOException, ElfFormatException {
        return Btf.parse(Bytes.of(Files.readAllBytes(path)));
    }

    /** A program with every CO-RE relocation applied, and what became of each relocation. */
    public record Applied(BpfProgram program, List<CoreOutcome> outcomes) {
        public Applied {
            outcomes = List.copyOf(outcomes);
        }
    }

    /** Applies every relocation of {@code program}, whose object's BTF is {@code local}. */
    public Applied apply(BpfProgram program, Btf local) {
        Program code = program.program();
        List<Instruction> insns = new ArrayList<>(code.instructions());
        List<CoreOutcome> outcomes = new ArrayList<>();
        for (CoreRelocation r : program.coreRelocations()) {
            int index = code.indexAt(r.pc());
            CoreOutcome outcome = resolve(local, r);
            if (outcome instanceof CoreOutcome.Resolved res) {
                Optional<Instruction> patched = patch(insns.get(index), res);
                if (patched.isPresent()) {
                    insns.set(index, patched.get());
                } else {
                    outcome = new CoreOutcome.Failed(r, "instruction " + insns.get(index) + " at pc " + r.pc()
                            + " does not hold the local value " + res.localValue());
                }
            }
            if (outcome instanceof CoreOutcome.Failed && insns.get(index).slots() == 1) {
                insns.set(index, new Instruction.Call(Instruction.CallKind.HELPER, POISON_HELPER));
            }
            outcomes.add(outcome);
        }
        Program relocated;
        try {
            relocated = Program.of(insns);
        } catch (InvalidProgramException e) {
            // Patches keep slot counts and only replace immediates and offsets already validated, so
            // this would be a bug here, not bad input.
            throw new IllegalStateException("CO-RE patching broke program " + program.name() + ": " + e.getMessage(), e);
        }
        return new Applied(new BpfProgram(program.name(), program.section(), relocated, program.functions(),
                program.relocations(), program.lines(), program.coreRelocations()), outcomes);
    }

    /** The relocation's local and target values, or why there are none. */
    public CoreOutcome resolve(Btf local, CoreRelocation r) {
        Optional<BtfType> root = local.byId(r.typeId());
        if (root.isEmpty()) {
            return new CoreOutcome.Failed(r, "type " + r.typeId() + " is not in the object's BTF");
        }
        try {
            return switch (r.kind()) {
                case FIELD_BYTE_OFFSET, FIELD_BYTE_SIZE, FIELD_EXISTS, FIELD_SIGNED -> field(local, root.get(), r);
                case TYPE_ID_LOCAL -> new CoreOutcome.Resolved(r, r.typeId(), r.typeId());
                case TYPE_ID_TARGET, TYPE_EXISTS, TYPE_SIZE, TYPE_MATCHES -> type(local, root.get(), r);
                case ENUMVAL_EXISTS, ENUMVAL_VALUE -> enumValue(local, root.get(), r);
                case FIELD_LSHIFT_U64, FIELD_RSHIFT_U64 -> new CoreOutcome.Failed(r, "bitfield relocations are not supported");
            };
        } catch (IllegalArgumentException e) {
            return new CoreOutcome.Failed(r, e.getMessage());
        }
    }

    // ---------------------------------------------------------------- fields

    /** Where an access ends: bit offset from the root and the field's type. */
    private record Spot(long bitOffset, int type, int bitfieldSize) {}

    private CoreOutcome field(Btf local, BtfType root, CoreRelocation r) {
        List<Integer> access = accessIndices(r.access());
        Spot l = walkLocal(local, root, access);
        List<Spot> found = new ArrayList<>();
        for (BtfType candidate : candidates(local, root)) {
            matchTarget(local, root, candidate, access).ifPresent(found::add);
        }
        if (r.kind() == CoreRelocation.Kind.FIELD_EXISTS) {
            return new CoreOutcome.Resolved(r, 1, found.isEmpty() ? 0 : 1);
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no type in the target BTF matches " + describe(root) + " access " + r.access());
        }
        if (l.bitfieldSize() != 0 || found.stream().anyMatch(s -> s.bitfieldSize() != 0)) {
            throw new IllegalArgumentException("bitfield relocations are not supported");
        }
        long localValue = value(local, r.kind(), l);
        long targetValue = value(target, r.kind(), found.getFirst());
        for (Spot s : found) {
            if (value(target, r.kind(), s) != targetValue) {
                throw new IllegalArgumentException("candidates for " + describe(root) + " disagree: " + targetValue + " and "
                        + value(target, r.kind(), s));
            }
        }
        return new CoreOutcome.Resolved(r, localValue, targetValue);
    }

    private static long value(Btf btf, CoreRelocation.Kind kind, Spot s) {
        return switch (kind) {
            case FIELD_BYTE_OFFSET -> s.bitOffset() / 8;
            case FIELD_BYTE_SIZE -> btf.sizeOf(s.type()).orElseThrow(() -> new IllegalArgumentException("field type has no size"));
            case FIELD_SIGNED -> switch (btf.resolve(s.type()).orElseThrow()) {
                case BtfType.Int i -> i.signedness() == BtfType.Signedness.SIGNED ? 1 : 0;
                case BtfType.Enum e -> e.signedness() == BtfType.Signedness.SIGNED ? 1 : 0;
                case BtfType.Enum64 e -> e.signedness() == BtfType.Signedness.SIGNED ? 1 : 0;
                default -> 0;
            };
            default -> throw new IllegalArgumentException(kind + " is not a field value");
        };
    }

    private static List<Integer> accessIndices(String access) {
        List<Integer> out = new ArrayList<>();
        for (String part : access.split(":")) {
            try {
                out.add(Integer.parseInt(part));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("access string '" + access + "' is not a list of indices");
            }
        }
        return out;
    }

    /** Walks the access in the object's own BTF: the first index steps over whole roots, the others into members and elements. */
    private static Spot walkLocal(Btf btf, BtfType root, List<Integer> access) {
        long rootSize = btf.sizeOf(root.id()).orElseThrow(() -> new IllegalArgumentException(describe(root) + " has no size"));
        long bits = access.getFirst() * rootSize * 8;
        int type = root.id();
        int bitfield = 0;
        for (int i = 1; i < access.size(); i++) {
            int idx = access.get(i);
            BtfType t = btf.resolve(type).orElseThrow();
            switch (t) {
                case BtfType.Struct s -> {
                    BtfType.Member m = member(s.members(), idx, t);
                    bits += m.bitOffset();
                    type = m.type();
                    bitfield = m.bitfieldSize();
                }
                case BtfType.Union u -> {
                    BtfType.Member m = member(u.members(), idx, t);
                    bits += m.bitOffset();
                    type = m.type();
                    bitfield = m.bitfieldSize();
                }
                case BtfType.Array a -> {
                    bits += idx * btf.sizeOf(a.element()).orElseThrow(() -> new IllegalArgumentException("array element has no size")) * 8;
                    type = a.element();
                    bitfield = 0;
                }
                default -> throw new IllegalArgumentException("access index " + idx + " steps into " + describe(t));
            }
        }
        return new Spot(bits, type, bitfield);
    }

    private static BtfType.Member member(List<BtfType.Member> members, int idx, BtfType owner) {
        if (idx < 0 || idx >= members.size()) {
            throw new IllegalArgumentException("member " + idx + " of " + describe(owner) + " does not exist");
        }
        return members.get(idx);
    }

    /**
     * The same access on a target candidate: named members by name (through anonymous members),
     * array indices as they are. Empty when the candidate lacks a member or the kinds differ.
     */
    private Optional<Spot> matchTarget(Btf local, BtfType localRoot, BtfType candidate, List<Integer> access) {
        long rootSize = target.sizeOf(candidate.id()).orElse(0);
        long bits = access.getFirst() * rootSize * 8;
        int localType = localRoot.id();
        int targetType = candidate.id();
        int bitfield = 0;
        for (int i = 1; i < access.size(); i++) {
            int idx = access.get(i);
            BtfType lt = local.resolve(localType).orElseThrow();
            BtfType tt = target.resolve(targetType).orElseThrow();
            if (lt instanceof BtfType.Array la) {
                if (!(tt instanceof BtfType.Array ta) || (ta.length() != 0 && idx >= ta.length())) {
                    return Optional.empty();
                }
                bits += idx * target.sizeOf(ta.element()).orElse(0) * 8;
                localType = la.element();
                targetType = ta.element();
                bitfield = 0;
                continue;
            }
            List<BtfType.Member> localMembers = members(lt);
            BtfType.Member lm = member(localMembers, idx, lt);
            localType = lm.type();
            if (lm.name().isEmpty()) {
                // libbpf records no name for an anonymous member: the target keeps its place and the
                // next named member is searched for through the target's anonymous members.
                if (i == access.size() - 1) {
                    return Optional.empty();
                }
                continue;
            }
            Optional<long[]> found = findMember(tt, lm.name(), 0);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            bits += found.get()[0];
            targetType = (int) found.get()[1];
            bitfield = (int) found.get()[2];
        }
        if (!sameFamily(local.resolve(localType).orElseThrow(), target.resolve(targetType).orElseThrow())) {
            return Optional.empty();
        }
        return Optional.of(new Spot(bits, targetType, bitfield));
    }

    /** {bit offset, type, bitfield size} of the member named {@code name}, looking through anonymous members. */
    private Optional<long[]> findMember(BtfType owner, String name, int depth) {
        if (depth > Btf.MAX_DEPTH) {
            return Optional.empty();
        }
        for (BtfType.Member m : members(owner)) {
            if (m.name().equals(name)) {
                return Optional.of(new long[] {m.bitOffset(), m.type(), m.bitfieldSize()});
            }
            if (m.name().isEmpty()) {
                BtfType inner = target.resolve(m.type()).orElseThrow();
                if (inner instanceof BtfType.Struct || inner instanceof BtfType.Union) {
                    Optional<long[]> deeper = findMember(inner, name, depth + 1);
                    if (deeper.isPresent()) {
                        long[] d = deeper.get();
                        return Optional.of(new long[] {m.bitOffset() + d[0], d[1], d[2]});
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static List<BtfType.Member> members(BtfType t) {
        return switch (t) {
            case BtfType.Struct s -> s.members();
            case BtfType.Union u -> u.members();
            default -> throw new IllegalArgumentException(describe(t) + " has no members");
        };
    }

    private static boolean sameFamily(BtfType a, BtfType b) {
        return family(a) == family(b);
    }

    private static int family(BtfType t) {
        return switch (t) {
            case BtfType.Int i -> 1;
            case BtfType.Enum e -> 2;
            case BtfType.Enum64 e -> 2;
            case BtfType.Ptr p -> 3;
            case BtfType.Struct s -> 4;
            case BtfType.Union u -> 4;
            case BtfType.Fwd f -> 4;
            case BtfType.Array a -> 5;
            case BtfType.Float f -> 6;
            default -> 0;
        };
    }

    // ---------------------------------------------------------------- types and enumerators

    private CoreOutcome type(Btf local, BtfType root, CoreRelocation r) {
        List<BtfType> found = candidates(local, root);
        return switch (r.kind()) {
            case TYPE_EXISTS, TYPE_MATCHES -> new CoreOutcome.Resolved(r, 1, found.isEmpty() ? 0 : 1);
            case TYPE_ID_TARGET -> {
                if (found.isEmpty()) {
                    throw new IllegalArgumentException("no type in the target BTF matches " + describe(root));
                }
                yield new CoreOutcome.Resolved(r, root.id(), found.getFirst().id());
            }
            case TYPE_SIZE -> {
                if (found.isEmpty()) {
                    throw new IllegalArgumentException("no type in the target BTF matches " + describe(root));
                }
                yield new CoreOutcome.Resolved(r, local.sizeOf(root.id()).orElse(0), target.sizeOf(found.getFirst().id()).orElse(0));
            }
            default -> throw new IllegalArgumentException(r.kind() + " is not a type relocation");
        };
    }

    private CoreOutcome enumValue(Btf local, BtfType root, CoreRelocation r) {
        int idx = accessIndices(r.access()).getFirst();
        List<BtfType.Enumerator> values = enumerators(local.resolve(root.id()).orElseThrow());
        if (idx < 0 || idx >= values.size()) {
            throw new IllegalArgumentException("enumerator " + idx + " of " + describe(root) + " does not exist");
        }
        BtfType.Enumerator wanted = values.get(idx);
        Optional<BtfType.Enumerator> hit = Optional.empty();
        for (BtfType c : candidates(local, root)) {
            for (BtfType.Enumerator e : enumerators(target.resolve(c.id()).orElseThrow())) {
                if (essential(e.name()).equals(essential(wanted.name()))) {
                    hit = Optional.of(e);
                }
            }
        }
        if (r.kind() == CoreRelocation.Kind.ENUMVAL_EXISTS) {
            return new CoreOutcome.Resolved(r, 1, hit.isPresent() ? 1 : 0);
        }
        BtfType.Enumerator e = hit.orElseThrow(() -> new IllegalArgumentException("enumerator " + wanted.name() + " is not in the target"));
        return new CoreOutcome.Resolved(r, wanted.value(), e.value());
    }

    private static List<BtfType.Enumerator> enumerators(BtfType t) {
        return switch (t) {
            case BtfType.Enum e -> e.values();
            case BtfType.Enum64 e -> e.values();
            default -> throw new IllegalArgumentException(describe(t) + " is not an enumeration");
        };
    }

    /** Target types of the root's kind family whose essential name is the root's. */
    private List<BtfType> candidates(Btf local, BtfType root) {
        if (root.name().isEmpty()) {
            throw new IllegalArgumentException("CO-RE root type " + root.id() + " has no name");
        }
        List<BtfType> out = new ArrayList<>();
        for (int id : byEssentialName.lookup(essential(root.name()))) {
            BtfType t = target.byId(id).orElseThrow();
            boolean sameKind = family(root) != 0 ? family(t) == family(root) : t.getClass() == root.getClass();
            if (sameKind) {
                out.add(t);
            }
        }
        return out;
    }

    /** A name without libbpf's flavour suffix: {@code task_struct___old} is {@code task_struct}. */
    static String essential(String name) {
        int at = name.indexOf("___");
        return at > 0 ? name.substring(0, at) : name;
    }

    private static String describe(BtfType t) {
        return t.getClass().getSimpleName().toLowerCase() + " " + (t.name().isEmpty() ? "(anonymous)" : t.name()) + " [" + t.id() + "]";
    }

    // ---------------------------------------------------------------- patching

    /** The instruction with the target value where it held the local one; empty if it did not. */
    private static Optional<Instruction> patch(Instruction insn, CoreOutcome.Resolved r) {
        long local = r.localValue();
        long value = r.targetValue();
        return switch (insn) {
            case Instruction.Alu a when a.src() instanceof Imm imm && imm.value() == local && value == (int) value ->
                    Optional.of(new Instruction.Alu(a.width(), a.op(), a.dst(), new Imm((int) value)));
            case Instruction.LoadImm64 l when l.value() == local ->
                    Optional.of(new Instruction.LoadImm64(l.dst(), l.pseudo(), (int) value, (int) (value >>> 32)));
            case Instruction.Load l when l.offset() == local && fitsOffset(value) ->
                    Optional.of(new Instruction.Load(l.size(), l.extension(), l.dst(), l.src(), (int) value));
            case Instruction.StoreImm s when s.offset() == local && fitsOffset(value) ->
                    Optional.of(new Instruction.StoreImm(s.size(), s.dst(), (int) value, s.imm()));
            case Instruction.StoreReg s when s.offset() == local && fitsOffset(value) ->
                    Optional.of(new Instruction.StoreReg(s.size(), s.dst(), s.src(), (int) value));
            default -> Optional.empty();
        };
    }

    private static boolean fitsOffset(long value) {
        return value == (short) value;
    }
}
