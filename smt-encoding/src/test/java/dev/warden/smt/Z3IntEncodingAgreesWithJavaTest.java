package dev.warden.smt;

import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.IntExpr;
import dev.warden.domains.LongBitVectors;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The 64-bit proofs on integers ({@link Z3IntBitVectors}) are about the Java code only if that
 * second encoding of the primitives computes what {@link LongBitVectors} computes: every primitive
 * on edge values at widths 64, 32, 8, 5 and 1 (the shifts by a constant, which stay in integer
 * arithmetic, included), then the concrete semantics and both interval domains' operators on
 * random inputs, evaluated on constants.
 */
class Z3IntEncodingAgreesWithJavaTest {

    private static Z3IntSession z;

    @BeforeAll
    static void open() {
        z = new Z3IntSession(Duration.ofSeconds(10));
    }

    @AfterAll
    static void close() {
        z.close();
    }

    @Test
    void everyPrimitiveAgreesOnEdgeValues() {
        PrimitivesAgreeWithJava.onEdgeValues(z::bits, e -> v(e), e -> v(e));
    }

    @Test
    void intervalOperatorsAgreeOnRandomInputs() {
        PrimitivesAgreeWithJava.intervalOperatorsOnRandomInputs(z::bits, e -> v(e), e -> v(e));
    }

    private static long v(IntExpr e) {
        return Z3IntSession.evaluate(e);
    }

    private static boolean v(BoolExpr e) {
        return Z3Session.evaluate(e);
    }
}
