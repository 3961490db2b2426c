package dev.warden.runtime.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The survey's coverage summary: per program family (the object's name without its compiler and
 * optimisation prefix, and the program's name: one source program across its builds), the median
 * and the least share of the edges the proof reached ({@link ProvedEdges}) that the random and the
 * guided inputs covered.
 */
public final class SurveyCoverage {
    private SurveyCoverage() {}

    /** One tab-separated header line, then one line per family in name order. */
    public static List<String> byFamily(List<AcceptedProgramSurvey.Row> rows) {
        Map<String, List<AcceptedProgramSurvey.Row>> families = new TreeMap<>();
        for (AcceptedProgramSurvey.Row r : rows) {
            families.computeIfAbsent(family(r), k -> new ArrayList<>()).add(r);
        }
        List<String> out = new ArrayList<>(List.of(
                "family\tbuilds\tconditional edges (min-max)\tproved edges (min-max)\trandom median\trandom min\tguided median\tguided min"));
        families.forEach((name, rs) -> {
            List<Double> random = rs.stream().map(r -> share(r, InputSearch.RANDOM)).sorted().toList();
            List<Double> guided = rs.stream().map(r -> share(r, InputSearch.GUIDED)).sorted().toList();
            int least = rs.stream().mapToInt(AcceptedProgramSurvey.Row::conditionalEdges).min().orElse(0);
            int most = rs.stream().mapToInt(AcceptedProgramSurvey.Row::conditionalEdges).max().orElse(0);
            int provedLeast = rs.stream().mapToInt(AcceptedProgramSurvey.Row::provedEdges).min().orElse(0);
            int provedMost = rs.stream().mapToInt(AcceptedProgramSurvey.Row::provedEdges).max().orElse(0);
            out.add(name + "\t" + rs.size() + "\t" + least + "-" + most + "\t" + provedLeast + "-" + provedMost + "\t" + percent(median(random)) + "\t"
                    + percent(random.getFirst()) + "\t" + percent(median(guided)) + "\t" + percent(guided.getFirst()));
        });
        return out;
    }

    /** "nat64_kern.o nat64_ipv6" from "clang-20_-O2_nat64_kern.o". */
    static String family(AcceptedProgramSurvey.Row r) {
        return r.object().replaceFirst("^clang-\\d+_-O[0-9s]_", "") + " " + r.program();
    }

    private static double share(AcceptedProgramSurvey.Row r, InputSearch search) {
        return r.provedEdges() == 0 ? 1.0 : (double) r.covered(search) / r.provedEdges();
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String percent(double share) {
        return String.format(java.util.Locale.ROOT, "%.0f%%", 100 * share);
    }
}
