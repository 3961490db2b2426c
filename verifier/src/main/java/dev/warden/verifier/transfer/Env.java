package dev.warden.verifier.transfer;

import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.verifier.Privilege;
import dev.warden.verifier.platform.Platform;
import dev.warden.verifier.platform.ProgramType;
import dev.warden.verifier.state.JoinSite;
import dev.warden.verifier.state.Thresholds;
import java.util.Optional;

/**
 * What the transfer functions read but never change: the program, its object, the platform and the
 * rules; and the allocator of join ids (deterministic, one per verification).
 */
public record Env(BpfObject object, BpfProgram program, Platform platform, Optional<ProgramType> type,
                  Privilege privilege, Thresholds thresholds, JoinSite.Ids joinIds, Optional<EimClass> eim) {

    /** The EIM class the program is verified against, with the prover of its constraints. */
    public record EimClass(dev.warden.verifier.eim.EimPlatform platform, dev.warden.verifier.eim.ConstraintProver prover) {}

    /** Verification for a Linux program type (no EIM class). */
    public Env(BpfObject object, BpfProgram program, Platform platform, Optional<ProgramType> type, Privilege privilege,
               Thresholds thresholds, JoinSite.Ids joinIds) {
        this(object, program, platform, type, privilege, thresholds, joinIds, Optional.empty());
    }

    /** BPF_F_RDONLY_PROG: the program may not write the map's values (libbpf sets it on {@code .rodata}). */
    public static final long F_RDONLY_PROG = 0x80;

    public Optional<BpfMap> map(int index) {
        if (index < 0) {
            return Optional.empty();
        }
        for (BpfMap m : object.maps()) {
            if (m.index() == index) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Whether the program can read uninitialised stack (the kernel allows it for root). */
    public boolean uninitStackReadable() {
        return privilege == Privilege.PRIVILEGED;
    }

    /** A helper's name for messages. */
    public String helperName(int id) {
        return platform.helper(id).map(h -> h.name()).orElse("helper " + id);
    }
}
