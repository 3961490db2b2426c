package dev.warden.cli;

import dev.warden.domains.Operation;
import dev.warden.domains.Precision;
import dev.warden.domains.SoundnessSampler;
import dev.warden.isa.AluOp;
import dev.warden.isa.Width;
import dev.warden.smt.Catalogue;
import dev.warden.smt.Lemma;
import dev.warden.smt.Obligation;
import dev.warden.smt.ProofResult;
import dev.warden.smt.Prover;
import dev.warden.smt.SolverKind;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code warden prove-domains}: proves every abstract-domain operator sound with Z3 and with
 * Bitwuzla (and the optimality of the tnum operators known to be optimal), then samples at 64 bits
 * the operators proved at a smaller width. An obligation counts as proved only when every solver
 * asked proved it; a solver proving what another refutes is a failure. Exit status 0 only if
 * everything is proved and no sample fails.
 */
@Command(name = "prove-domains", mixinStandardHelpOptions = true,
    description = {"Prove the abstract domains' operators sound with Z3 and Bitwuzla and print a table:",
        "operator, width, verdict (proved by every solver / refuted with a counterexample / unknown),",
        "each solver's own verdict, seconds.",
        "Multiplication, division and modulo are proved at a smaller width and sampled at 64 bits."})
public final class ProveDomainsCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--width", paramLabel = "N",
        description = "Prove every obligation at N bits (a power of two, 4..64) instead of its default width.")
    Integer width;

    @Option(names = "--op", paramLabel = "NAME",
        description = "Only obligations whose name is NAME, starts with NAME., or has NAME as a dotted part (e.g. add, tnum, scalar.sync).")
    String op;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
        description = "Timeout per solver query (default ${DEFAULT-VALUE}); a timeout is reported as unknown.")
    int timeoutSeconds;

    /**
     * Which solvers prove: both bit-vector solvers and then both integer solvers (Z3 and cvc5) for
     * the interval operators at 64 bits (the default), or some, e.g. to find the widest width each
     * proves.
     */
    enum SolverChoice {
        ALL("all", SolverKind.BIT_VECTOR, SolverKind.INTEGER),
        Z3("z3", List.of(SolverKind.Z3), List.of()),
        BITWUZLA("bitwuzla", List.of(SolverKind.BITWUZLA), List.of()),
        INTEGERS("integers", List.of(), SolverKind.INTEGER),
        Z3_INT("z3-int", List.of(), List.of(SolverKind.Z3_INT)),
        CVC5_INT("cvc5-int", List.of(), List.of(SolverKind.CVC5_INT));

        final String label;
        /** The solvers of the catalogue's obligations ({@link Catalogue#all()}). */
        final List<SolverKind> kinds;
        /** The solvers of the interval operators at 64 bits on integers ({@link Catalogue#byIntegers()}). */
        final List<SolverKind> integerKinds;

        SolverChoice(String label, List<SolverKind> kinds, List<SolverKind> integerKinds) {
            this.label = label;
            this.kinds = kinds;
            this.integerKinds = integerKinds;
        }

        static SolverChoice parse(String s) {
            for (SolverChoice c : values()) {
                if (c.label.equals(s)) {
                    return c;
                }
            }
            throw new CommandLine.TypeConversionException("'" + s + "': expected all, z3, bitwuzla, integers, z3-int or cvc5-int");
        }
    }

    @Option(names = "--solver", paramLabel = "S", defaultValue = "all", converter = SolverChoiceConverter.class,
        description = {"Solvers that must prove each obligation: all (default: Z3 and Bitwuzla, then Z3 and cvc5 on",
            "integers for the interval mul/div/mod at 64 bits), z3, bitwuzla, integers (only those interval",
            "obligations, both solvers), z3-int or cvc5-int (only those, one solver)."})
    SolverChoice solver;

    /** Parses {@code --solver}. */
    static final class SolverChoiceConverter implements CommandLine.ITypeConverter<SolverChoice> {
        @Override
        public SolverChoice convert(String value) {
            return SolverChoice.parse(value);
        }
    }

    /**
     * Whether a row decides the exit status when it is not proved: the catalogue's obligations do;
     * the 64-bit integer proofs that go beyond a width both solvers already proved fail the command
     * only when refuted.
     */
    private enum Need { REQUIRED, BEYOND }

    @Option(names = "--samples", paramLabel = "N", defaultValue = "2000000",
        description = "Random 64-bit samples per operator and width for the operators proved below 64 bits (default ${DEFAULT-VALUE}; 0 to skip).")
    long samples;

    @Option(names = "--list", description = "List the obligations and their default widths; prove nothing.")
    boolean list;

    @Option(names = "--precision", description = {"Measure precision instead of proving: for each operator, the share of inputs",
        "where the abstract result is the best possible (all inputs at 4 bits, --precision-samples random ones at 8;",
        "for the synchronised product, random ones at 8 bits)."})
    boolean precision;

    @Option(names = "--precision-samples", paramLabel = "N", defaultValue = "2000",
        description = "Random inputs per operator at 8 bits for --precision (default ${DEFAULT-VALUE}).")
    int precisionSamples;

    /**
     * One line of the report; {@code premises} and {@code meaningful} are empty for sampled rows
     * (they are not obligations). {@code lemmas} names the lemmas whose instances the proof
     * assumed, each proved by every solver of the row that proved it, in this run.
     */
    private record Row(String name, String kind, int width, String verdict, double seconds, String detail,
                       String premises, String meaningful, Map<String, String> solvers, Map<String, Double> solverSeconds,
                       Need need, List<String> lemmas) {

        /**
         * Proved with satisfiable premises and not provable without membership (or sampled without a
         * violation); for a proof beyond the required width, not refuted and not vacuous.
         */
        boolean good() {
            if (need == Need.BEYOND && !verdict.equals("proved")) {
                return !verdict.equals("refuted");
            }
            return verdict.equals("sampled")
                || verdict.equals("proved") && premises.equals("satisfiable") && meaningful.equals("true");
        }
    }

    @Override
    public Integer call() {
        if (width != null && (width < 4 || width > 64 || Integer.bitCount(width) != 1)) {
            throw new UserError("--width " + width + ": must be a power of two from 4 to 64 (shift amounts are masked to the width, and the product splits it in halves)");
        }
        if (timeoutSeconds <= 0) {
            throw new UserError("--timeout " + timeoutSeconds + ": must be positive");
        }
        if (samples < 0) {
            throw new UserError("--samples " + samples + ": must not be negative");
        }
        if (precision) {
            return precisionTable(spec.commandLine().getOut());
        }
        List<Obligation> selected = new ArrayList<>();
        for (Obligation o : solver.kinds.isEmpty() ? List.<Obligation>of() : Catalogue.all()) {
            if (matches(o.name())) {
                selected.add(width == null ? o : o.atWidth(width));
            }
        }
        List<Obligation> onIntegers = new ArrayList<>();
        // By default only the 64-bit proofs; with an integer solver alone, any --width too (to find the widest).
        if (!solver.integerKinds.isEmpty() && (width == null || solver.kinds.isEmpty())) {
            for (Obligation o : Catalogue.byIntegers()) {
                if (matches(o.name())) {
                    onIntegers.add(width == null ? o : o.atWidth(width));
                }
            }
        }
        List<String[]> sampled = sampledOperators();
        if (selected.isEmpty() && onIntegers.isEmpty() && sampled.isEmpty()) {
            throw new UserError("--op " + op + ": no obligation has that name (try --list)");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            for (Obligation o : selected) {
                out.printf("%-44s %-9s %2d%n", o.name(), o.property().name().toLowerCase(), o.width());
            }
            for (Obligation o : onIntegers) {
                out.printf("%-44s %-9s %2d  on integers (%s)%n", o.name(), o.property().name().toLowerCase(), o.width(),
                    String.join(", ", solver.integerKinds.stream().map(SolverKind::label).toList()));
            }
            out.flush();
            return 0;
        }
        List<Row> rows = new ArrayList<>();
        if (!json) {
            out.printf("%-44s %-9s %5s  %-8s %-8s %-8s %-13s %-10s %8s%n", "operator", "property", "width", "verdict", "z3",
                "bitwuzla", "premises", "meaningful", "seconds");
            out.flush();
        }
        if (!selected.isEmpty()) {
            prove(out, new Prover(Duration.ofSeconds(timeoutSeconds), solver.kinds), selected, Need.REQUIRED, rows);
        }
        if (!onIntegers.isEmpty()) {
            if (!json) {
                out.printf("On integers (the same code in nonlinear integer arithmetic; z3-int in the z3 column, cvc5-int in the bitwuzla column), beyond the width above:%n");
            }
            prove(out, new Prover(Duration.ofSeconds(timeoutSeconds), solver.integerKinds), onIntegers,
                solver.kinds.isEmpty() ? Need.REQUIRED : Need.BEYOND, rows);
        }
        for (String[] s : sampled) {
            long start = System.nanoTime();
            Optional<SoundnessSampler.Violation> v = SoundnessSampler.alu(AluOp.valueOf(s[0]), Width.valueOf(s[1]), samples, 1);
            String name = "scalar." + (s[1].equals("W64") ? "alu64." : "alu32.") + s[0].toLowerCase();
            Row row = new Row(name, "sampled", 64, v.isEmpty() ? "sampled" : "refuted", (System.nanoTime() - start) / 1e9,
                v.map(SoundnessSampler.Violation::inputs).orElse(samples + " random samples, no violation"), "", "", Map.of(), Map.of(), Need.REQUIRED, List.of());
            rows.add(row);
            if (!json) {
                print(out, row);
            }
        }
        long bad = rows.stream().filter(r -> !r.good()).count();
        if (json) {
            printJson(out, rows);
        } else {
            out.printf("%d proved, %d sampled, %d not proved, %d with unsatisfiable or unchecked premises, %d not meaningful%n",
                rows.stream().filter(r -> r.verdict().equals("proved")).count(),
                rows.stream().filter(r -> r.verdict().equals("sampled")).count(),
                rows.stream().filter(r -> !r.verdict().equals("proved") && !r.verdict().equals("sampled")).count(),
                rows.stream().filter(r -> !r.premises().isEmpty() && !r.premises().equals("satisfiable")).count(),
                rows.stream().filter(r -> !r.meaningful().isEmpty() && !r.meaningful().equals("true")).count());
        }
        out.flush();
        return bad == 0 ? 0 : 1;
    }

    /** Proves {@code obligations} with {@code prover}, printing each row as it comes unless JSON. */
    private void prove(PrintWriter out, Prover prover, List<Obligation> obligations, Need need, List<Row> rows) {
        for (Obligation o : obligations) {
            Prover.Outcome r = prover.prove(o);
            String detail = switch (r.result()) {
                case ProofResult.Proved p -> "";
                case ProofResult.Refuted ref -> counterexample(ref.counterexample());
                case ProofResult.Unknown u -> u.reason();
            };
            String meaningful = switch (r.meaning()) {
                case MEANINGFUL -> "true";
                case VACUOUS -> "false";
                case UNKNOWN -> "unknown";
            };
            if (r.meaning() != Prover.Meaning.MEANINGFUL) {
                detail = (detail.isEmpty() ? "" : detail + "; ") + r.meaningDetail();
            }
            Map<String, String> bySolver = new LinkedHashMap<>();
            Map<String, Double> secondsBySolver = new LinkedHashMap<>();
            r.solvers().forEach((k, v) -> {
                bySolver.put(k.label(), v.result().verdict());
                secondsBySolver.put(k.label(), v.seconds());
            });
            for (var e : r.solvers().entrySet()) {
                // Each solver's reason when it did not prove what the row reports.
                if (e.getValue().result() instanceof ProofResult.Unknown u && !(r.result() instanceof ProofResult.Unknown)) {
                    detail = (detail.isEmpty() ? "" : detail + "; ") + e.getKey().label() + ": " + u.reason();
                }
            }
            Row row = new Row(o.name(), o.property().name().toLowerCase(), o.width(), r.result().verdict(), r.seconds(), detail,
                r.premises().label(), meaningful, bySolver, secondsBySolver, need, r.lemmas().stream().map(Lemma::label).toList());
            rows.add(row);
            if (!json) {
                print(out, row);
            }
        }
    }

    /** The slow operators (proved below 64 bits) that the selection names, as (kind, op, width). */
    private List<String[]> sampledOperators() {
        List<String[]> out = new ArrayList<>();
        if (samples == 0 || list) {
            return out;
        }
        for (AluOp a : Operation.ALU_ORDER) {
            if (!Catalogue.isSlow(a)) {
                continue;
            }
            for (Width w : List.of(Width.W64, Width.W32)) {
                String name = "scalar." + (w == Width.W64 ? "alu64." : "alu32.") + a.name().toLowerCase();
                if (matches(name) || matches("tnum." + a.name().toLowerCase())
                    || matches("urange." + a.name().toLowerCase()) || matches("srange." + a.name().toLowerCase())) {
                    out.add(new String[] {a.name(), w.name()});
                }
            }
        }
        return out;
    }

    private int precisionTable(PrintWriter out) {
        if (precisionSamples <= 0) {
            throw new UserError("--precision-samples " + precisionSamples + ": must be positive");
        }
        List<Precision.Row> rows = new ArrayList<>();
        for (Precision.Domain d : Precision.Domain.values()) {
            for (Operation a : Precision.operations(8)) {
                if (!matches(d.name().toLowerCase() + "." + a.label())) {
                    continue;
                }
                Precision.Row exhaustive = Precision.exhaustive(d, a, 4);
                Precision.Row sampled = Precision.sampled(d, a, 8, precisionSamples, 1);
                rows.add(exhaustive);
                rows.add(sampled);
                if (!json) {
                    out.printf("%-8s %-6s  4-bit all %6d: %6.1f%%   8-bit sample %6d: %6.1f%%%n", exhaustive.domain(),
                        a.label(), exhaustive.cases(), 100 * exhaustive.share(), sampled.cases(), 100 * sampled.share());
                    out.flush();
                }
            }
        }
        for (Width form : List.of(Width.W64, Width.W32)) {
            for (Operation a : Precision.operations(8)) {
                String name = "scalar." + (form == Width.W64 ? "alu64." : "alu32.") + a.label();
                if (!matches(name)) {
                    continue;
                }
                Precision.Row r = Precision.scalarSampled(a, form, 8, precisionSamples, 1);
                rows.add(r);
                if (!json) {
                    out.printf("%-8s %-6s  8-bit product (halves of 4 bits), sample %6d: %6.1f%%%n", r.domain(),
                        a.label(), r.cases(), 100 * r.share());
                    out.flush();
                }
            }
        }
        if (json) {
            out.println("[");
            for (int i = 0; i < rows.size(); i++) {
                Precision.Row r = rows.get(i);
                out.printf("  {\"domain\": %s, \"operator\": %s, \"width\": %d, \"method\": %s, \"cases\": %d, \"optimal\": %d}%s%n",
                    Json.string(r.domain()), Json.string(r.op().label()), r.width(), Json.string(r.method()), r.cases(), r.optimal(),
                    i + 1 < rows.size() ? "," : "");
            }
            out.println("]");
        }
        out.flush();
        return 0;
    }

    private boolean matches(String name) {
        if (op == null || op.isEmpty()) {
            return true;
        }
        if (name.equals(op) || name.startsWith(op + ".")) {
            return true;
        }
        for (String part : name.split("\\.")) {
            if (part.equals(op)) {
                return true;
            }
        }
        return false;
    }

    private static String counterexample(Map<String, String> cex) {
        StringBuilder b = new StringBuilder();
        cex.forEach((k, v) -> b.append(b.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return b.toString();
    }

    private static void print(PrintWriter out, Row r) {
        out.printf("%-44s %-9s %5d  %-8s %-8s %-8s %-13s %-10s %8.2f%s%s%n", r.name(), r.kind(), r.width(), r.verdict(),
            r.solvers().getOrDefault("z3", r.solvers().getOrDefault("z3-int", "-")),
            r.solvers().getOrDefault("bitwuzla", r.solvers().getOrDefault("cvc5-int", "-")),
            r.premises().isEmpty() ? "-" : r.premises(), r.meaningful().isEmpty() ? "-" : r.meaningful(), r.seconds(),
            r.detail().isEmpty() ? "" : "  " + r.detail(), r.lemmas().isEmpty() ? "" : "  lemmas: " + String.join(", ", r.lemmas()));
        out.flush();
    }

    private static void printJson(PrintWriter out, List<Row> rows) {
        out.println("[");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            String checks = r.premises().isEmpty() ? ""
                : ", \"premises\": " + Json.string(r.premises()) + ", \"meaningful\": "
                    + (r.meaningful().equals("unknown") ? "null" : r.meaningful());
            StringBuilder solvers = new StringBuilder();
            r.solvers().forEach((k, v) -> solvers.append(solvers.isEmpty() ? "" : ", ").append(Json.string(k)).append(": ").append(Json.string(v)));
            StringBuilder seconds = new StringBuilder();
            r.solverSeconds().forEach((k, v) -> seconds.append(seconds.isEmpty() ? "" : ", ").append(Json.string(k)).append(": ")
                .append(String.format("%.3f", v)));
            // Each solver's own time (its proof, and the premise and meaning checks where it ran them).
            String bySolver = r.solvers().isEmpty() ? ""
                : ", \"solvers\": {" + solvers + "}, \"solverSeconds\": {" + seconds + "}";
            String lemmas = r.lemmas().isEmpty() ? ""
                : ", \"lemmas\": [" + String.join(", ", r.lemmas().stream().map(Json::string).toList()) + "]";
            out.printf("  {\"operator\": %s, \"property\": %s, \"width\": %d, \"verdict\": %s%s%s%s, \"seconds\": %.3f, \"detail\": %s}%s%n",
                Json.string(r.name()), Json.string(r.kind()), r.width(), Json.string(r.verdict()), checks, bySolver, lemmas, r.seconds(), Json.string(r.detail()),
                i + 1 < rows.size() ? "," : "");
        }
        out.println("]");
    }
}
