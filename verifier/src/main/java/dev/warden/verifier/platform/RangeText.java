package dev.warden.verifier.platform;

/** The {@code min..max} spelling of an inclusive range in the platform's data files. */
final class RangeText {
    private RangeText() {}

    static HelperPrototype.Range parse(String text) {
        int dots = text.indexOf("..", 1); // from 1: the minimum may be negative
        if (dots < 0) {
            throw new IllegalArgumentException("range '" + text + "': expected min..max");
        }
        try {
            long min = Long.parseLong(text.substring(0, dots));
            long max = Long.parseLong(text.substring(dots + 2));
            return new HelperPrototype.Range(min, max);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("range '" + text + "': bounds must be decimal numbers");
        }
    }
}
