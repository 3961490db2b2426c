package dev.warden.runtime.fuzz;

import java.util.List;

/**
 * Two verifiers' verdicts on the same programs, side by side, with the execution check of every
 * program either accepted.
 *
 * @param bothAccept programs both accepted
 * @param onlyFirst programs only the first (Warden) accepted: each must have run fault-free
 * @param onlySecond programs only the second (the kernel) accepted: precision gaps of the first
 * @param bothReject programs both rejected
 * @param errors programs on which either verifier threw (not in the four cells)
 * @param faulted accepted programs (by either) that faulted, with who accepted them
 * @param onlySecondSeeds the first few seeds of {@code onlySecond}, to list the gaps
 * @param onlyFirstSeeds the first few seeds of {@code onlyFirst}
 */
public record FourWayTable(long bothAccept, long onlyFirst, long onlySecond, long bothReject, long errors,
                           List<String> faulted, List<Long> onlySecondSeeds, List<Long> onlyFirstSeeds) {
    public FourWayTable {
        faulted = List.copyOf(faulted);
        onlySecondSeeds = List.copyOf(onlySecondSeeds);
        onlyFirstSeeds = List.copyOf(onlyFirstSeeds);
    }

    /** The table, as the command prints it. */
    public String render(String first, String second) {
        return String.format("%-18s%16s%16s%n", "", second + " accepts", second + " rejects")
                + String.format("%-18s%16d%16d%n", first + " accepts", bothAccept, onlyFirst)
                + String.format("%-18s%16d%16d%n", first + " rejects", onlySecond, bothReject)
                + String.format("(%d errors; %d accepted programs faulted)%n", errors, faulted.size());
    }
}
