package dev.warden.runtime.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP demo's statistic (examples/http-filter/PairedOverhead.java, compiled against this
 * build): the median of paired per-round ratios and its 95% bootstrap interval. Synthetic rounds
 * with a known true overhead show the interval contains it in about 95% of seeds; degenerate
 * inputs give intervals of zero width or located errors; the summary's last line keeps the format
 * the README quotes.
 */
class HttpFilterDemoStatisticsTest {
    @TempDir
    static Path classes;
    static URLClassLoader loader;
    static Class<?> paired;

    @BeforeAll
    static void compile() throws Exception {
        loader = ExampleSources.compile(HttpFilterExampleServesAndFiltersTest.DIR.resolve("PairedOverhead.java"), classes);
        paired = loader.loadClass("PairedOverhead");
    }

    /** {@code estimate(ratios, resamples, seed)} as {median, low, high, rounds}. */
    static double[] estimate(double[] ratios, int resamples, long seed) throws Exception {
        Object e = call("estimate", new Class<?>[] {double[].class, int.class, long.class}, ratios, resamples, seed);
        RecordComponent[] parts = e.getClass().getRecordComponents();
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            Method get = parts[i].getAccessor();
            get.setAccessible(true);
            out[i] = ((Number) get.invoke(e)).doubleValue();
        }
        return out;
    }

    static Object call(String name, Class<?>[] types, Object... args) throws Exception {
        Method m = paired.getDeclaredMethod(name, types);
        m.setAccessible(true);
        try {
            return m.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof Exception x ? x : e;
        }
    }

    @Test
    void theMedianOfKnownValues() throws Exception {
        assertEquals(2.0, (double) call("median", new Class<?>[] {double[].class}, (Object) new double[] {3, 1, 2}));
        assertEquals(2.5, (double) call("median", new Class<?>[] {double[].class}, (Object) new double[] {4, 1, 3, 2}));
        double[] loss = (double[]) call("throughputLoss", new Class<?>[] {double[].class, double[].class},
                new double[] {100, 200}, new double[] {97, 190});
        assertEquals(0.03, loss[0], 1e-12);
        assertEquals(0.05, loss[1], 1e-12);
        double[] more = (double[]) call("costIncrease", new Class<?>[] {double[].class, double[].class},
                new double[] {20, 10}, new double[] {21, 10});
        assertEquals(0.05, more[0], 1e-12);
        assertEquals(0.0, more[1], 1e-12);
    }

    /**
     * Rounds like the demo's: a load common to both servers of a round (which the pairing
     * cancels), each server's own noise (log-normal, so the true median of with/without is exactly
     * 0.97) and now and then a round disturbed on one side. Over 400 seeds the interval of 40
     * rounds contains the true 3% in about 95% of them; a binomial 95% would put 380 ± 9 here, and
     * the bootstrap's interval for a median is a little wider than exact, so the bounds are loose.
     */
    @Test
    void theIntervalContainsTheTrueOverheadInAboutNinetyFivePercentOfSeeds() throws Exception {
        double truth = 0.03;
        int seeds = 400;
        int rounds = 40;
        int covered = 0;
        double width = 0;
        for (int seed = 0; seed < seeds; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            double[] without = new double[rounds];
            double[] with = new double[rounds];
            for (int i = 0; i < rounds; i++) {
                double load = Math.exp(0.2 * gaussian(random));
                double disturbed = random.nextInt(10) == 0 ? Math.exp(0.3 * gaussian(random)) : 1;
                without[i] = 65_000 * load * Math.exp(0.04 * gaussian(random));
                with[i] = 65_000 * (1 - truth) * load * disturbed * Math.exp(0.04 * gaussian(random));
            }
            double[] ratios = (double[]) call("throughputLoss", new Class<?>[] {double[].class, double[].class}, without, with);
            double[] e = estimate(ratios, 2_000, 1_000 + seed);
            assertTrue(e[1] <= e[0] && e[0] <= e[2], "the median lies inside its interval: " + java.util.Arrays.toString(e));
            if (e[1] <= truth && truth <= e[2]) {
                covered++;
            }
            width += e[2] - e[1];
        }
        assertTrue(covered >= 360 && covered <= 396, "the interval contained the true overhead in " + covered + " of " + seeds + " seeds");
        // A noise of ~6% per pair over 40 rounds: the interval is a few points wide, not zero and not tens.
        double mean = width / seeds;
        assertTrue(mean > 0.01 && mean < 0.06, "mean width " + mean);
    }

    @Test
    void degenerateRoundsGiveIntervalsOfZeroWidthOrLocatedErrors(@TempDir Path dir) throws Exception {
        double[] same = estimate(new double[] {0.02, 0.02, 0.02, 0.02, 0.02}, 1_000, 7);
        assertEquals(0.02, same[0]);
        assertEquals(0.02, same[1]);
        assertEquals(0.02, same[2]);
        assertEquals(5.0, same[3]);
        double[] one = estimate(new double[] {-0.01}, 1_000, 7);
        assertEquals(List.of(-0.01, -0.01, -0.01, 1.0), List.of(one[0], one[1], one[2], one[3]));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> estimate(new double[0], 1_000, 7));
        assertTrue(none.getMessage().contains("no values"), none.getMessage());

        Path file = dir.resolve("rounds.txt");
        Files.writeString(file, "65000 20.1 63000 20.9\n64000 20.0 x 21.0\n");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> call("readRounds", new Class<?>[] {Path.class}, file));
        assertEquals(file + ":2: not a number: x", bad.getMessage());
        Files.writeString(file, "65000 20.1 63000 20.9\n64000 20.0 62000\n");
        bad = assertThrows(IllegalArgumentException.class, () -> call("readRounds", new Class<?>[] {Path.class}, file));
        assertEquals(file + ":2: expected 4 or 6 numbers, found 3", bad.getMessage());
        Files.writeString(file, "\n");
        bad = assertThrows(IllegalArgumentException.class, () -> call("readRounds", new Class<?>[] {Path.class}, file));
        assertEquals(file + ": no rounds", bad.getMessage());
    }

    @Test
    void theSameRoundsGiveTheSameIntervalAndTheLastLineKeepsItsFormat(@TempDir Path dir) throws Exception {
        double[] ratios = {0.05, -0.02, 0.04, 0.01, 0.03, 0.08, 0.02, 0.00};
        assertEquals(java.util.Arrays.toString(estimate(ratios, 10_000, 3)), java.util.Arrays.toString(estimate(ratios, 10_000, 3)));

        Path file = dir.resolve("rounds.txt");
        Files.writeString(file, """
                65000 20.0 63050 20.6 63700 20.5
                60000 21.0 58800 21.5 59000 21.4
                66000 19.8 64680 20.3 64000 20.4
                """);
        double[][] columns = (double[][]) call("readRounds", new Class<?>[] {Path.class}, file);
        @SuppressWarnings("unchecked")
        List<String> lines = (List<String>) call("summary", new Class<?>[] {double[][].class, long.class}, columns, 200L);
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).startsWith("server CPU time per request (medians): without 20.0 us, with 20.6 us, paired: +"), lines.get(0));
        assertTrue(lines.get(1).startsWith("the same filter in Java (+200 ns busy wait): 63700 requests/s, overhead "), lines.get(1));
        // Paired losses 3.0%, 2.0%, 2.0%: the median 2.0%, the interval between the smallest and the largest.
        Matcher last = Pattern.compile("requests/s without: (\\d+), with: (\\d+), overhead: (-?[\\d.]+)% "
                + "\\(95% CI (-?[\\d.]+)%\\.\\.(-?[\\d.]+)%, (\\d+) rounds\\)").matcher(lines.get(2));
        assertTrue(last.matches(), lines.get(2));
        assertEquals("65000", last.group(1));
        assertEquals("63050", last.group(2));
        assertEquals("2.0", last.group(3));
        assertEquals("2.0", last.group(4));
        assertEquals("3.0", last.group(5));
        assertEquals("3", last.group(6));
    }

    private static double gaussian(SplittableRandom random) {
        return random.nextGaussian();
    }
}
