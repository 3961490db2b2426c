package dev.warden.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.warden.isa.Decoder;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.Program;
import dev.warden.vm.ExecOptions;
import dev.warden.vm.ExecResult;
import java.util.Arrays;

/**
 * Any bytes that decode run to a defined end: a return or a fault naming a pc inside the
 * program (or one past it, for falling off the end); no host exception, no crash, no hang (the
 * budget is small). The first 16 bytes are the input memory. Fuzz with
 * {@code JAZZER_FUZZ=1 ./mvnw -Pfuzz -pl runtime test -Dtest=InterpreterFuzzTest}.
 */
class InterpreterFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void anyDecodableProgramReturnsOrFaultsInsideTheProgram(byte[] bytes) {
        if (bytes.length < 16) {
            return;
        }
        byte[] input = Arrays.copyOf(bytes, 16);
        Program program;
        try {
            program = Decoder.decode(Arrays.copyOfRange(bytes, 16, bytes.length));
        } catch (InvalidProgramException e) {
            return;
        }
        ExecResult r = new Interpreter().execute(program, input, ExecOptions.defaults().withBudget(10_000));
        switch (r) {
            case ExecResult.Returned ret -> { }
            case ExecResult.Faulted f -> assertTrue(f.fault().pc() >= 0 && f.fault().pc() <= program.slotCount(),
                    f.fault().toString());
        }
    }
}
