package dev.warden.isa.elf;

/** What became of one CO-RE relocation against a target kernel's BTF. */
public sealed interface CoreOutcome {
    CoreRelocation relocation();

    /**
     * The relocation's value in the object's own BTF (what clang compiled in) and in the target
     * kernel's (what the instruction now holds).
     */
    record Resolved(CoreRelocation relocation, long localValue, long targetValue) implements CoreOutcome {}

    /**
     * The relocation could not be resolved, or its instruction did not hold the expected value. Like
     * libbpf, the relocator replaces such an instruction by a call to the invalid helper {@link
     * CoreRelocator#POISON_HELPER}, so the program is rejected only if that instruction can run.
     */
    record Failed(CoreRelocation relocation, String reason) implements CoreOutcome {}
}
