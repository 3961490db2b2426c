package dev.warden.verifier;

import dev.warden.domains.Scalar;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.Btf;
import dev.warden.isa.elf.BtfType;
import dev.warden.verifier.platform.Platform;
import dev.warden.verifier.platform.ProgramType;
import dev.warden.verifier.state.Nullness;
import dev.warden.verifier.state.PtrKind;
import dev.warden.verifier.state.Value;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The arguments of a {@code .text} function verified on its own, from its BTF prototype, as the
 * kernel types a global function's arguments: a pointer to the program type's context struct is
 * the context; a pointer to anything else of known size N is N bytes of readable and writable
 * memory, or null (the function must check); everything else (numbers, pointers to unsized types)
 * is an unknown number. Without a prototype every argument is an unknown number.
 */
final class BtfArguments {
    private BtfArguments() {}

    /** Pointees larger than this are not memory (no real parameter is). */
    private static final long MAX_POINTEE = 1L << 29;

    /**
     * The program type a {@code .text} function's context parameter implies: the type of an entry
     * program of the same object whose context is that struct, else the platform's first such type.
     */
    static Optional<ProgramType> contextType(BpfObject object, BpfProgram program, Platform platform) {
        if (!program.section().equals(".text") || object.btf().isEmpty()) {
            return Optional.empty();
        }
        Btf btf = object.btf().get();
        Optional<BtfType.FuncProto> proto = btf.prototype(program.name());
        if (proto.isEmpty()) {
            return Optional.empty();
        }
        for (BtfType.Param p : proto.get().params()) {
            Optional<String> struct = pointeeStruct(btf, p.type());
            if (struct.isEmpty()) {
                continue;
            }
            for (BpfProgram entry : object.programs()) {
                Optional<ProgramType> t = platform.typeForSection(entry.section());
                if (t.isPresent() && t.get().context().structName().equals(struct.get())) {
                    return t;
                }
            }
            for (ProgramType t : platform.types()) {
                if (t.context().structName().equals(struct.get())) {
                    return Optional.of(t);
                }
            }
        }
        return Optional.empty();
    }

    /** r1..r5 of a {@code .text} function verified on its own. */
    static Value[] of(BpfObject object, BpfProgram program, Optional<ProgramType> type) {
        Value[] args = {Value.TOP, Value.TOP, Value.TOP, Value.TOP, Value.TOP};
        if (object.btf().isEmpty()) {
            return args;
        }
        Btf btf = object.btf().get();
        Optional<BtfType.FuncProto> proto = btf.prototype(program.name());
        if (proto.isEmpty()) {
            return args;
        }
        var params = proto.get().params();
        for (int i = 0; i < Math.min(5, params.size()); i++) {
            int t = params.get(i).type();
            Optional<String> struct = pointeeStruct(btf, t);
            if (struct.isPresent() && type.isPresent() && type.get().context().structName().equals(struct.get())) {
                args[i] = Value.Ptr.of(PtrKind.CTX, 0, 0);
                continue;
            }
            OptionalLong size = btf.pointeeSize(t);
            if (size.isPresent() && size.getAsLong() > 0 && size.getAsLong() <= MAX_POINTEE) {
                args[i] = new Value.Ptr(PtrKind.ARG_MEM, (int) size.getAsLong(), Scalar.constant(0), 0, 0,
                        Nullness.MAYBE_NULL, 0);
            }
        }
        return args;
    }

    /** The name of the struct (or forward-declared struct) a pointer type points to. */
    private static Optional<String> pointeeStruct(Btf btf, int type) {
        return btf.resolve(type).filter(t -> t instanceof BtfType.Ptr)
                .flatMap(t -> btf.resolve(((BtfType.Ptr) t).target()))
                .filter(t -> t instanceof BtfType.Struct || t instanceof BtfType.Fwd)
                .map(BtfType::name);
    }
}
