package dev.warden.runtime.evidence;

import dev.warden.isa.Program;
import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.mpk.IsolationMode;
import dev.warden.runtime.host.EntryPoint;
import dev.warden.runtime.host.Extension;
import dev.warden.runtime.host.ExtensionSpec;
import dev.warden.runtime.host.Extensions;
import dev.warden.runtime.host.LoadException;
import dev.warden.runtime.host.VerificationPolicy;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.verifier.SmtBudget;
import dev.warden.verifier.VerifierOptions;
import java.util.List;

/**
 * The extensions the device evidence loads through the host API, each one xdp entry verified with
 * Linux's rules and Z3 off (the domains decide these programs alone, so the bundle carries no Z3
 * native library):
 *
 * <ul>
 *   <li>{@link Shape#EMPTY}: {@code r0 = 2; exit} in an object without maps: no run opens a scope
 *       in any mode, so it is the host API's bare invocation cost;
 *   <li>{@link Shape#EMPTY_WITH_MAP}: the same program in an object with a hash map
 *       ({@code table}, 8-byte keys and values, 4,096 entries): every run opens the extension
 *       key's write scope, so the difference to {@code EMPTY} is the scope's cost;
 *   <li>{@link Shape#COUNTER}: counts in value 0 of an array map ({@code counts}, 16-byte values)
 *       and stores the value's own address in its second half, so the host learns where the value
 *       lies (a privileged loader may leak pointers, as in Linux with {@code CAP_PERFMON}).
 * </ul>
 */
public final class EvidenceObjects {
    private EvidenceObjects() {}

    /** Which object to load. */
    public enum Shape {
        EMPTY, EMPTY_WITH_MAP, COUNTER
    }

    /** The name of every object's one entry. */
    public static final String ENTRY = "main";

    /** Loads {@code shape} with {@code mode}, on {@code cpus} CPUs (one per thread that invokes at once). */
    public static Extension load(Shape shape, IsolationMode mode, int cpus) throws LoadException {
        VerificationPolicy policy = VerificationPolicy.linux(VerifierOptions.linux().withSmt(SmtBudget.OFF));
        return Extensions.load(object(shape), shape.name().toLowerCase(java.util.Locale.ROOT),
                ExtensionSpec.of().withEntry(EntryPoint.of(ENTRY, LinuxProgramType.XDP)).withCpus(cpus).withIsolation(mode),
                policy);
    }

    static BpfObject object(Shape shape) {
        return switch (shape) {
            case EMPTY -> new BpfObject(List.of(), List.of(program(returnTwo())), List.of(), "GPL");
            case EMPTY_WITH_MAP -> new BpfObject(List.of(), List.of(program(returnTwo())),
                    List.of(new BpfMap(0, "table", MapKind.BTF, 1, 8, 8, 4096, 0, new byte[0])), "GPL");
            case COUNTER -> new BpfObject(List.of(), List.of(program(counter())),
                    List.of(new BpfMap(0, "counts", MapKind.BTF, 2, 4, 16, 4, 0, new byte[0])), "GPL");
        };
    }

    private static BpfProgram program(Program code) {
        return new BpfProgram(ENTRY, "xdp", code, List.of(), List.of(), List.of());
    }

    private static Program returnTwo() {
        return assemble("""
                r0 = 2
                exit
                """);
    }

    private static Program counter() {
        return assemble("""
                    *(u32 *)(r10 - 4) = 0
                    r2 = r10
                    r2 += -4
                    r1 = map[idx:0] ll
                    call 1
                    if r0 == 0 goto out
                    r1 = *(u64 *)(r0 + 0)
                    r1 += 1
                    *(u64 *)(r0 + 0) = r1
                    *(u64 *)(r0 + 8) = r0
                    out:
                    r0 = 2
                    exit
                    """);
    }

    private static Program assemble(String source) {
        try {
            return Assembler.assemble(source);
        } catch (dev.warden.isa.asm.AssemblyException e) {
            throw new IllegalStateException("the evidence's own program does not assemble: " + e.getMessage(), e);
        }
    }
}
