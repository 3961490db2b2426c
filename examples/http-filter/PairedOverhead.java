import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The demo's statistic (scripts/demo-http-filter.sh): from rounds in which every server was
 * measured once, the overhead of each round is a <em>paired</em> ratio (the server with the filter
 * against the one without, measured seconds apart under the same background load), the overhead
 * reported is the median of those ratios, and its uncertainty is a 95% percentile-bootstrap
 * confidence interval of that median (the rounds resampled with replacement, a fixed seed, so a
 * rerun on the same numbers prints the same interval).
 *
 * <p>Why a median of paired ratios: a whole round's load (another process, a frequency change)
 * moves both servers of the round alike and cancels in their ratio, and a median is not dragged
 * by the odd round that one disturbance hit on one side only. Why a bootstrap: nothing is assumed
 * about how the rounds' ratios are distributed (they are skewed and heavy-tailed on a busy
 * machine), and the interval's width says at once whether a run can tell 2% from 5%.
 *
 * <pre>java examples/http-filter/PairedOverhead.java ROUNDS_FILE [JAVA_SPIN_NS]</pre>
 * ROUNDS_FILE has one line per round: {@code without-rps without-cpu with-rps with-cpu} and, when
 * the Java control ran, {@code java-rps java-cpu} (CPU in microseconds per request). Prints the
 * CPU-per-request line, the Java control's line when there is one, and last
 * {@code requests/s without: X, with: Y, overhead: Z% (95% CI a%..b%, N rounds)}.
 */
public final class PairedOverhead {
    /** Bootstrap resamples: with 10,000 the interval's ends move by well under 0.1 point between seeds. */
    static final int RESAMPLES = 10_000;
    /** The seed of every interval the demo prints. */
    static final long SEED = 20_261_205L;

    private PairedOverhead() {}

    /** A median and the ends of its 95% confidence interval, all in the ratios' unit. */
    record Estimate(double median, double low, double high, int rounds) {
        /** As the demo prints it, in percent: {@code 3.1% (95% CI 2.0%..4.2%} without the closing parenthesis. */
        String percent(String sign) {
            return String.format(sign + ".1f%% (95%% CI " + sign + ".1f%%.." + sign + ".1f%%", median * 100, low * 100, high * 100);
        }
    }

    /** The median of {@code values} (the mean of the middle two for an even count); at least one value. */
    static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("the median of no values");
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /**
     * The median of {@code ratios} with a 95% percentile-bootstrap interval from {@code resamples}
     * resamples drawn with {@code seed}. One round gives an interval of zero width: one ratio
     * says nothing about its spread, which the printed round count makes visible.
     */
    static Estimate estimate(double[] ratios, int resamples, long seed) {
        double median = median(ratios);
        int n = ratios.length;
        double[] medians = new double[resamples];
        double[] sample = new double[n];
        SplittableRandom random = new SplittableRandom(seed);
        for (int b = 0; b < resamples; b++) {
            for (int i = 0; i < n; i++) {
                sample[i] = ratios[random.nextInt(n)];
            }
            Arrays.sort(sample);
            medians[b] = n % 2 == 1 ? sample[n / 2] : (sample[n / 2 - 1] + sample[n / 2]) / 2;
        }
        Arrays.sort(medians);
        // The 2.5th and 97.5th percentiles of the resampled medians, by the nearest-rank rule.
        int low = (int) Math.floor(0.025 * (resamples - 1));
        int high = (int) Math.ceil(0.975 * (resamples - 1));
        return new Estimate(median, medians[low], medians[high], n);
    }

    /** Per round, {@code 1 - with / without}: the share of requests/s the filter costs. */
    static double[] throughputLoss(double[] without, double[] with) {
        double[] r = new double[without.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = 1 - with[i] / without[i];
        }
        return r;
    }

    /** Per round, {@code with / without - 1}: the share of CPU time per request the filter adds. */
    static double[] costIncrease(double[] without, double[] with) {
        double[] r = new double[without.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = with[i] / without[i] - 1;
        }
        return r;
    }

    /** The rounds file's columns: {@code columns[k][round]}; every line the same count, 4 or 6. */
    static double[][] readRounds(Path file) throws IOException {
        List<double[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 4 && fields.length != 6) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected 4 or 6 numbers, found " + fields.length);
            }
            if (!rows.isEmpty() && rows.getFirst().length != fields.length) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + fields.length + " numbers where line 1 has "
                        + rows.getFirst().length);
            }
            double[] row = new double[fields.length];
            for (int k = 0; k < fields.length; k++) {
                try {
                    row[k] = Double.parseDouble(fields[k]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": not a number: " + fields[k]);
                }
                if (!(row[k] > 0) || Double.isInfinite(row[k])) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": not a positive measurement: " + fields[k]);
                }
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(file + ": no rounds");
        }
        double[][] columns = new double[rows.getFirst().length][rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            for (int k = 0; k < columns.length; k++) {
                columns[k][r] = rows.get(r)[k];
            }
        }
        return columns;
    }

    /** The summary lines for the rounds in {@code columns} (see {@link #readRounds}). */
    static List<String> summary(double[][] columns, long javaSpinNanos) {
        double[] without = columns[0];
        double[] cpuWithout = columns[1];
        double[] with = columns[2];
        double[] cpuWith = columns[3];
        List<String> out = new ArrayList<>();
        Estimate cpu = estimate(costIncrease(cpuWithout, cpuWith), RESAMPLES, SEED);
        out.add(String.format("server CPU time per request (medians): without %.1f us, with %.1f us, paired: %s)",
                median(cpuWithout), median(cpuWith), cpu.percent("%+")));
        if (columns.length == 6) {
            Estimate javaLoss = estimate(throughputLoss(without, columns[4]), RESAMPLES, SEED);
            Estimate javaCpu = estimate(costIncrease(cpuWithout, columns[5]), RESAMPLES, SEED);
            out.add(String.format("the same filter in Java (+%d ns busy wait): %.0f requests/s, overhead %s), CPU per request %.1f us, paired: %s)",
                    javaSpinNanos, median(columns[4]), javaLoss.percent("%"), median(columns[5]), javaCpu.percent("%+")));
        }
        Estimate loss = estimate(throughputLoss(without, with), RESAMPLES, SEED);
        out.add(String.format("requests/s without: %.0f, with: %.0f, overhead: %s, %d rounds)",
                median(without), median(with), loss.percent("%"), loss.rounds()));
        return out;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: PairedOverhead ROUNDS_FILE [JAVA_SPIN_NS]");
            System.exit(2);
        }
        try {
            summary(readRounds(Path.of(args[0])), args.length > 1 ? Long.parseLong(args[1]) : 0).forEach(System.out::println);
        } catch (IllegalArgumentException e) {
            System.err.println("PairedOverhead: " + e.getMessage());
            System.exit(1);
        }
    }
}
