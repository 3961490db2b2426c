package dev.warden.cli;

import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.ElfFormatException;
import dev.warden.verifier.platform.KernelBtf;
import dev.warden.verifier.platform.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;

/**
 * {@code --btf FILE}: the target kernel's BTF, against which CO-RE relocations are applied and kernel
 * objects are typed. Without the option the platform uses {@code /sys/kernel/btf/vmlinux} where it is
 * readable; without either, relocations keep the offsets clang compiled in, which the command says once.
 */
final class TargetBtf {
    private TargetBtf() {}

    /** The platform with the BTF of {@code file}, when given; a file that cannot be read is a user error (exit 2). */
    static Platform apply(Platform platform, Optional<Path> file) {
        if (file.isEmpty()) {
            return platform;
        }
        try {
            return platform.withKernelBtf(Optional.of(KernelBtf.read(file.get())));
        } catch (IOException e) {
            throw new UserError("--btf " + file.get() + ": cannot read: " + e.getMessage(), 2);
        } catch (ElfFormatException e) {
            throw new UserError("--btf " + file.get() + ": not raw BTF: " + e.getMessage(), 2);
        }
    }

    /** The note to print when programs have CO-RE relocations and there is no target BTF to apply them against. */
    static Optional<String> note(Platform platform, Collection<BpfProgram> programs) {
        boolean core = programs.stream().anyMatch(p -> !p.coreRelocations().isEmpty());
        if (!core || platform.kernelBtf().isPresent()) {
            return Optional.empty();
        }
        return Optional.of("warden: note: no target BTF (" + KernelBtf.SYSTEM + " is not readable and --btf was not given):"
                + " CO-RE relocations keep the offsets clang compiled in, and kernel objects cannot be read");
    }
}
