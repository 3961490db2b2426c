package dev.warden.runtime.fuzz.eim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A random C struct of a generated policy, laid out here with C's natural alignment (each scalar
 * aligned to its size, an array to its element, a struct to its widest member, the size rounded up
 * to the alignment): the generator's own layout, which the fuzzer compares with eim-spec's.
 */
record Struct(String name, List<Member> members, long size, long alignment) {

    /**
     * A member: {@code count} elements of {@code elementSize} bytes at {@code offset} ({@code count}
     * 1 for a scalar), or a nested struct ({@code inner}).
     */
    record Member(String name, String type, long offset, int elementSize, int count, boolean signed, Optional<Struct> inner) {
        long size() {
            return inner.map(Struct::size).orElse((long) elementSize * count);
        }

        boolean nested() {
            return inner.isPresent();
        }
    }

    /** What members a struct may have besides scalars. */
    enum Shapes { SCALARS, SCALARS_AND_ARRAYS }

    static Struct of(String name, SplittableRandom rnd, int members, Shapes shapes) {
        return of(name, rnd, members, shapes, Optional.empty());
    }

    /** {@code members} random members of {@code shapes}; {@code inner} used once as a member where present. */
    static Struct of(String name, SplittableRandom rnd, int members, Shapes shapes, Optional<Struct> inner) {
        List<Member> out = new ArrayList<>();
        long at = 0;
        long align = 1;
        int innerAt = inner.isPresent() ? rnd.nextInt(members) : -1;
        for (int i = 0; i < members; i++) {
            String field = (name.equals("In") ? "a" : "f") + i;
            if (i == innerAt) {
                Struct s = inner.get();
                at = up(at, s.alignment());
                out.add(new Member(field, s.name(), at, 0, 1, false, inner));
                at += s.size();
                align = Math.max(align, s.alignment());
                continue;
            }
            boolean array = shapes == Shapes.SCALARS_AND_ARRAYS && rnd.nextInt(4) == 0;
            String type = array ? RandomEimPolicy.unsigned(rnd) : RandomEimPolicy.anyScalar(rnd);
            int size = Integer.parseInt(type.substring(1)) / 8;
            int count = array ? 2 + rnd.nextInt(15) : 1;
            at = up(at, size);
            out.add(new Member(field, type, at, size, count, type.startsWith("s"), Optional.empty()));
            at += (long) size * count;
            align = Math.max(align, size);
        }
        return new Struct(name, List.copyOf(out), up(at, align), align);
    }

    private static long up(long x, long a) {
        return (x + a - 1) / a * a;
    }

    /** The declaration, as EIM text. */
    String declaration() {
        StringBuilder sb = new StringBuilder("struct ").append(name).append(" {");
        for (Member m : members) {
            sb.append(' ').append(m.type()).append(' ').append(m.name()).append(m.count() > 1 ? "[" + m.count() + "]" : "").append(';');
        }
        return sb.append(" };\n").toString();
    }
}
