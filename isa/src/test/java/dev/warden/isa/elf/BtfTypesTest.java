package dev.warden.isa.elf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The public, typed view of an object's BTF: kinds, linkage, prototypes, resolution, sizes. */
class BtfTypesTest {
    private static Btf btf(String object) {
        return TestObjects.read(object).btf().orElseThrow(() -> new AssertionError(object + ".o has no BTF"));
    }

    @Test
    void typeIdsAreTableIndicesAndZeroIsVoid() {
        Btf b = btf("subprog");
        assertInstanceOf(BtfType.Void.class, b.types().getFirst());
        for (int i = 0; i < b.types().size(); i++) {
            assertEquals(i, b.types().get(i).id());
        }
        assertTrue(b.byId(b.types().size()).isEmpty());
        assertTrue(b.byId(-1).isEmpty());
    }

    @Test
    void globalAndStaticFunctionsAreTold() {
        BpfObject o = TestObjects.read("subprog");
        assertEquals(BtfType.Linkage.GLOBAL, o.btfFunction("clamp").orElseThrow().linkage());
        assertEquals(BtfType.Linkage.STATIC, o.btfFunction("square").orElseThrow().linkage());
        assertEquals(BtfType.Linkage.STATIC, o.btfFunction("add_step").orElseThrow().linkage());
        assertEquals(BtfType.Linkage.GLOBAL, o.btfFunction("classify").orElseThrow().linkage());
        assertTrue(o.btfFunction("no_such_function").isEmpty());
    }

    @Test
    void aGlobalFunctionsPrototypeGivesItsParametersAndReturnType() {
        Btf b = btf("subprog");
        BtfType.FuncProto clamp = b.prototype("clamp").orElseThrow();
        assertEquals(List.of("v", "hi"), clamp.params().stream().map(BtfType.Param::name).toList());
        for (BtfType.Param p : clamp.params()) {
            BtfType.Int t = assertInstanceOf(BtfType.Int.class, b.resolve(p.type()).orElseThrow());
            assertEquals(4, t.size());
            assertEquals(BtfType.Signedness.SIGNED, t.signedness());
        }
        assertInstanceOf(BtfType.Int.class, b.resolve(clamp.returnType()).orElseThrow());
        assertFalse(clamp.variadic());
    }

    @Test
    void aPointerToStructArgumentHasThePointeeSize() {
        Btf b = btf("subprog");
        BtfType.FuncProto classify = b.prototype("classify").orElseThrow();
        int skb = classify.params().getFirst().type();
        assertEquals(OptionalLong.of(192), b.pointeeSize(skb), "sizeof(struct __sk_buff)");
        assertEquals(OptionalLong.of(8), b.sizeOf(skb));
        BtfType.Struct s = b.named("__sk_buff", BtfType.Struct.class).orElseThrow();
        assertEquals(192, s.size());
        BtfType.Member data = s.members().stream().filter(m -> m.name().equals("data")).findFirst().orElseThrow();
        assertEquals(76, data.byteOffset());
        // An int parameter is not a pointer.
        assertTrue(b.pointeeSize(b.prototype("clamp").orElseThrow().params().getFirst().type()).isEmpty());
    }

    @Test
    void typedefsResolveToTheirIntegers() {
        Btf b = btf("btf_maps");
        BtfType.Typedef u64 = b.named("__u64", BtfType.Typedef.class).orElseThrow();
        BtfType.Int t = assertInstanceOf(BtfType.Int.class, b.resolve(u64.id()).orElseThrow());
        assertEquals(8, t.size());
        assertEquals(64, t.bits());
        assertEquals(BtfType.Signedness.UNSIGNED, t.signedness());
        assertEquals(OptionalLong.of(8), b.sizeOf(u64.id()));
    }

    @Test
    void mapsAreVariablesOfTheMapsDataSection() {
        Btf b = btf("btf_maps");
        BtfType.Datasec maps = b.named(".maps", BtfType.Datasec.class).orElseThrow();
        assertFalse(maps.vars().isEmpty());
        for (BtfType.SectionVar v : maps.vars()) {
            BtfType.Var var = assertInstanceOf(BtfType.Var.class, b.byId(v.type()).orElseThrow());
            assertInstanceOf(BtfType.Struct.class, b.resolve(var.type()).orElseThrow(), var.name());
            assertEquals(OptionalLong.of(v.size()), b.sizeOf(var.id()), var.name());
        }
    }

    @Test
    void everyReferenceOfEveryTestObjectResolves() {
        for (String name : TestObjects.ALL) {
            BpfObject o = TestObjects.read(name);
            if (o.btf().isEmpty()) {
                continue;
            }
            Btf b = o.btf().get();
            for (BtfType t : b.types()) {
                assertTrue(b.resolve(t.id()).isPresent(), name + " type " + t.id());
                assertFalse(b.resolve(t.id()).get().isModifierOrTypedef());
            }
        }
    }

    @Test
    void aDanglingTypeReferenceIsALocatedError() throws Exception {
        byte[] bytes = TestObjects.object("subprog").clone();
        BpfObject o = ElfReader.read(bytes);
        ElfSection section = o.sections().stream().filter(s -> s.name().equals(".BTF")).findFirst().orElseThrow();
        Btf raw = Btf.parse(Bytes.of(bytes).slice(section.offset(), section.size(), ".BTF", "BTF"));
        BtfType.Ptr ptr = raw.types().stream().filter(t -> t instanceof BtfType.Ptr).map(t -> (BtfType.Ptr) t).findFirst().orElseThrow();
        long at = raw.type(ptr.id(), "test").fileOffset() + 8; // the size/type word
        for (int k = 0; k < 4; k++) {
            bytes[(int) at + k] = (byte) (0x7fff_0000 >>> (8 * k));
        }
        ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfReader.read(bytes));
        ElfError first = e.errors().getFirst();
        assertTrue(first.message().contains("BTF type " + ptr.id() + " refers to type " + 0x7fff_0000 + ", which does not exist"), first.message());
        assertEquals(at - 8, first.offset());
    }
}
