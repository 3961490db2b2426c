package dev.warden.isa.elf;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Cutting a real object short, as a whole or one section at a time, gives located errors and nothing else. */
class ElfReaderRejectsTruncatedObjectsTest {

    @Test
    void everyPrefixOfEveryTestObjectIsALocatedError() {
        for (String name : TestObjects.ALL) {
            byte[] full = TestObjects.object(name);
            for (int length = 0; length < full.length; length++) {
                byte[] prefix = Arrays.copyOf(full, length);
                ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfReader.read(prefix),
                        name + ".o cut to " + prefix.length + " bytes");
                for (ElfError err : e.errors()) {
                    assertTrue(err.offset() <= length, err.toString());
                }
            }
        }
    }

    /**
     * Shrinks the recorded size of each BTF section to every smaller value: the headers inside
     * then describe more than the section holds, which must be reported.
     */
    @Test
    void everyShorterBtfSectionIsALocatedError() {
        for (String name : TestObjects.ALL) {
            byte[] full = TestObjects.object(name);
            BpfObject obj = TestObjects.read(name);
            long shoff = ObjectMutator.le64(full, 40);
            for (ElfSection s : obj.sections()) {
                if (!s.name().equals(".BTF") && !s.name().equals(".BTF.ext")) {
                    continue;
                }
                for (long size = 0; size < s.size(); size++) {
                    byte[] b = full.clone();
                    long at = shoff + 64L * s.index() + 32; // sh_size
                    for (int k = 0; k < 8; k++) {
                        b[(int) at + k] = (byte) (size >>> (8 * k));
                    }
                    ElfFormatException e = assertThrows(ElfFormatException.class, () -> ElfReader.read(b),
                            name + ".o with " + s.name() + " cut to " + size + " bytes");
                    assertTrue(e.errors().stream().allMatch(err -> err.section().equals(s.name())), e.getMessage());
                }
            }
        }
    }

    /** Shrinking code, relocation, symbol and map sections may leave a smaller valid object, but never an exception. */
    @Test
    void everyShorterSectionReadsOrGivesLocatedErrors() {
        for (String name : TestObjects.ALL) {
            byte[] full = TestObjects.object(name);
            BpfObject obj = TestObjects.read(name);
            long shoff = ObjectMutator.le64(full, 40);
            for (ElfSection s : obj.sections()) {
                if (s.name().startsWith(".debug") || s.name().startsWith(".rel.debug") || !s.hasFileData()) {
                    continue;
                }
                for (long size = 0; size < s.size(); size++) {
                    byte[] b = full.clone();
                    long at = shoff + 64L * s.index() + 32;
                    for (int k = 0; k < 8; k++) {
                        b[(int) at + k] = (byte) (size >>> (8 * k));
                    }
                    ObjectMutator.readsOrRejectsWithLocatedErrors(b);
                }
            }
        }
    }
}
