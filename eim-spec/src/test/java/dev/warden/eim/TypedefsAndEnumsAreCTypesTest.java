package dev.warden.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A typedef is another name for its type; an enum is an int whose enumerators are constants. */
class TypedefsAndEnumsAreCTypesTest {

    private static Policy types() {
        ParseResult r = Eim.parse(Path.of("src/test/resources/fmt/types.eim"));
        assertEquals(List.of(), r.diagnostics().stream().map(Diagnostic::format).toList());
        return r.policy().orElseThrow();
    }

    @Test
    void layoutSeesThroughTypedefsAndEnums() {
        // struct Request { Method method; pid_t owner; name_t name; Status status; RequestP next; }
        // enum = int (0..4), u32 (4..8), char[16] (8..24), int (24..28), pointer aligned to 8 (32..40).
        Policy p = types();
        Grants g = p.grants("fw").orElseThrow();
        assertEquals(List.of(new Region("r", 0, 40), new Region("r", 24, 4), new Region("r->next", 8, 16)),
                g.arguments().stream().map(Grants.ArgumentGrant::region).toList());
        Layout layout = p.types().layout();
        assertEquals(16, layout.sizeOf(new CType.Named("name_t")));
        assertEquals(4, layout.sizeOf(new CType.Named("Status")));
        assertEquals(new CType.Pointer(new CType.Named("Request")), layout.canonical(new CType.Named("RequestP")));
        assertEquals(java.util.Optional.of(new CType.Named("Status")), p.accessedType(p.stateCapabilities().get("setStatus")));
        assertEquals(new CType.Scalar(ScalarKind.INT), layout.resolve(new CType.Named("Status")));
        assertEquals(new CType.Scalar(ScalarKind.U32), layout.resolve(new CType.Named("pid_t")));
    }

    @Test
    void enumeratorsCountFromZeroOrFromTheWrittenValue() {
        Layout layout = types().types().layout();
        assertEquals(BigInteger.ZERO, layout.enumerator("GET").orElseThrow());
        assertEquals(BigInteger.valueOf(5), layout.enumerator("POST").orElseThrow());
        assertEquals(BigInteger.valueOf(6), layout.enumerator("PUT").orElseThrow());
        assertEquals(BigInteger.valueOf(-3), layout.enumerator("FIRST_VERY_LONG_ENUMERATOR_NAME").orElseThrow());
        assertEquals(BigInteger.valueOf(-2), layout.enumerator("SECOND_VERY_LONG_ENUMERATOR_NAME").orElseThrow());
        assertTrue(layout.enumerator("Method").isEmpty());
    }

    @Test
    void aTypedefAndItsTypeGiveOneFunctionTheSamePrototype() {
        // reject (RequestP r, Status s) and reject2 (Request *r, int s) bind "finalize": no EIM070.
        Policy p = types();
        assertEquals(2, p.functionCapabilities().size());
    }

    @Test
    void anArgumentNamedLikeAnEnumeratorHidesIt() {
        String src = """
                enum E { n = 7 };
                Function_Capability(name = "f", prototype = (u32 n) -> int, constraints = { n < 3 })
                Extension_Entry(name = "e", extension_entry = "h", prototype = (void) -> int)
                Extension_Class(name = "c", extension_entry = "e", allowed = { f })
                """;
        ParseResult r = Eim.parse("shadow.eim", src, Path.of("."));
        assertEquals(List.of(), r.diagnostics().stream().map(Diagnostic::format).toList());
    }
}
