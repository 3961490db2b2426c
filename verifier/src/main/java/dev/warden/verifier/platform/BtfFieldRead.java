package dev.warden.verifier.platform;

import dev.warden.isa.elf.BtfType;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What a load of {@code size} bytes at {@code offset} of a kernel struct gives, after the kernel's
 * btf_struct_walk: a pointer member loaded whole is a new kernel object pointer when it points to a
 * struct or union, anything else inside the struct is a number, and an access that leaves the
 * struct is refused.
 */
public sealed interface BtfFieldRead {

    /** The access does not lie inside the struct. */
    record Outside(long structSize) implements BtfFieldRead {}

    /** Bytes of a scalar member, of several members, of padding or of a pointer to a non-struct: a number. */
    record Number() implements BtfFieldRead {}

    /** A whole pointer member that points to the struct or union {@code composite}. */
    record Pointer(int composite) implements BtfFieldRead {}

    /** Nested structs and arrays deeper than this are read as numbers (the kernel stops at 32 too). */
    int MAX_DEPTH = 32;

    /** The read of {@code [offset, offset + size)} of the struct or union {@code composite}. */
    static BtfFieldRead of(KernelBtf kernel, int composite, long offset, int size) {
        OptionalLong structSize = kernel.btf().sizeOf(composite);
        if (structSize.isEmpty() || offset < 0 || offset + size > structSize.getAsLong()) {
            return new Outside(structSize.orElse(0));
        }
        return walk(kernel, composite, offset, size, 0).orElse(new Number());
    }

    /**
     * The pointer the bytes hold, if they are exactly one pointer member to a composite. For a
     * union every member that holds the bytes must agree, since the program may read any of them.
     */
    private static Optional<BtfFieldRead> walk(KernelBtf kernel, int type, long offset, int size, int depth) {
        if (depth > MAX_DEPTH) {
            return Optional.empty();
        }
        Optional<BtfType> t = kernel.btf().resolve(type);
        if (t.isEmpty()) {
            return Optional.empty();
        }
        return switch (t.get()) {
            case BtfType.Struct s -> members(kernel, s.members(), offset, size, depth, Combine.FIRST);
            case BtfType.Union u -> members(kernel, u.members(), offset, size, depth, Combine.ALL_AGREE);
            case BtfType.Array a -> {
                OptionalLong elem = kernel.btf().sizeOf(a.element());
                if (elem.isEmpty() || elem.getAsLong() <= 0) {
                    yield Optional.empty();
                }
                long e = elem.getAsLong();
                long inElem = offset % e;
                yield inElem + size <= e ? walk(kernel, a.element(), inElem, size, depth + 1) : Optional.empty();
            }
            case BtfType.Ptr p -> {
                if (offset != 0 || size != 8) {
                    yield Optional.empty();
                }
                OptionalInt target = kernel.compositeOf(p.target());
                yield target.isPresent() ? Optional.of(new Pointer(target.getAsInt())) : Optional.empty();
            }
            default -> Optional.empty();
        };
    }

    /** How the members that hold the bytes decide: a struct's members do not overlap, a union's all do. */
    enum Combine { FIRST, ALL_AGREE }

    private static Optional<BtfFieldRead> members(KernelBtf kernel, java.util.List<BtfType.Member> members, long offset,
                                                  int size, int depth, Combine combine) {
        Optional<BtfFieldRead> agreed = Optional.empty();
        boolean any = false;
        for (BtfType.Member m : members) {
            if (m.bitfieldSize() != 0 || m.bitOffset() % 8 != 0) {
                if (overlaps(m.byteOffset(), (m.bitfieldSize() + 7) / 8 + 1, offset, size) && combine == Combine.ALL_AGREE) {
                    return Optional.empty();
                }
                continue;
            }
            OptionalLong msize = kernel.btf().sizeOf(m.type());
            if (msize.isEmpty()) {
                continue;
            }
            long start = m.byteOffset();
            if (offset < start || offset + size > start + msize.getAsLong()) {
                if (combine == Combine.ALL_AGREE && overlaps(start, msize.getAsLong(), offset, size)) {
                    return Optional.empty();
                }
                continue;
            }
            Optional<BtfFieldRead> r = walk(kernel, m.type(), offset - start, size, depth + 1);
            if (combine == Combine.FIRST) {
                return r;
            }
            if (any && !agreed.equals(r)) {
                return Optional.empty();
            }
            agreed = r;
            any = true;
        }
        return agreed;
    }

    private static boolean overlaps(long start, long length, long offset, int size) {
        return offset < start + length && start < offset + size;
    }
}
