package dev.warden.cli;

import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.runtime.kernel.Availability;
import dev.warden.runtime.kernel.KernelOracle;
import dev.warden.runtime.kernel.LoadResult;
import dev.warden.runtime.kernel.ProgType;
import java.util.Locale;
import java.util.Optional;

/**
 * The Linux verifier's verdict on one program, for {@code warden verify --kernel}: the program
 * loaded with its object's maps ({@link KernelOracle#loadObject}) as root. {@code verdict} is
 * {@code accept}, {@code reject} or {@code skipped}; {@code note} says why a program was skipped,
 * or gives the kernel's reason for a rejection.
 */
record KernelVerdict(String verdict, String note) {

    /** The kernel's verdict, or "skipped" where it cannot be had. */
    static KernelVerdict of(Optional<BpfObject> object, Optional<BpfProgram> program, Optional<String> typeName,
                            Availability available) {
        if (available instanceof Availability.Unavailable u) {
            return new KernelVerdict("skipped", "bpf() unavailable");
        }
        if (object.isEmpty() || program.isEmpty()) {
            return new KernelVerdict("skipped", "no program");
        }
        if (program.get().section().equals(".text")) {
            return new KernelVerdict("skipped", "a .text function is loaded by the kernel only with its caller");
        }
        Optional<ProgType> type = typeName.flatMap(KernelVerdict::progType);
        if (type.isEmpty()) {
            return new KernelVerdict("skipped", "the kernel oracle loads xdp, tc and socket programs; this is "
                    + typeName.orElse("of unknown type"));
        }
        try {
            LoadResult r = KernelOracle.loadObject(type.get(), object.get(), program.get());
            return switch (r) {
                case LoadResult.Loaded l -> {
                    l.program().close();
                    yield new KernelVerdict("accept", "");
                }
                case LoadResult.Rejected rej -> new KernelVerdict("reject", rej.reason());
            };
        } catch (IllegalStateException e) {
            // A map the kernel would not create: no verdict on the program.
            return new KernelVerdict("skipped", e.getMessage());
        }
    }

    private static Optional<ProgType> progType(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "xdp" -> Optional.of(ProgType.XDP);
            case "tc", "classifier", "sched_cls", "tcx" -> Optional.of(ProgType.SCHED_CLS);
            case "socket", "socket_filter" -> Optional.of(ProgType.SOCKET_FILTER);
            default -> Optional.empty();
        };
    }

    /** "accept", "reject: reason", "skipped (why)". */
    String text() {
        return switch (verdict) {
            case "reject" -> "reject" + (note.isEmpty() ? "" : ": " + note);
            case "skipped" -> "skipped (" + note + ")";
            default -> verdict;
        };
    }
}
