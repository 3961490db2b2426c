package dev.warden.runtime.kernel;

import java.util.List;

/** The outcome of one packet's run of one program in Warden (one engine) and in the kernel. */
public sealed interface RunComparison {

    /** The program's name. */
    String program();

    /**
     * Same r0, same output packet, same maps. {@code notCompared} names the maps whose contents were
     * not compared (program arrays), so that an agreement never claims more than was checked.
     */
    record Agreed(String program, String engine, List<String> notCompared) implements RunComparison {
        public Agreed {
            notCompared = List.copyOf(notCompared);
        }
    }

    /** At least one located difference. */
    record Differed(String program, String engine, List<Difference> differences) implements RunComparison {
        public Differed {
            differences = List.copyOf(differences);
        }
    }

    /** Not compared, and why (the kernel rejects the program, it calls a nondeterministic helper, the packet is too short...). */
    record Skipped(String program, String reason) implements RunComparison {}

    /**
     * One difference: {@code where} is "r0", "packet" or "map NAME key HEX [cpu N]", {@code linux}
     * what the kernel gave (the reference), {@code warden} what Warden gave.
     */
    record Difference(String program, String engine, String where, String linux, String warden) {
        @Override
        public String toString() {
            return program + " (" + engine + "): " + where + ": Linux " + linux + ", Warden " + warden;
        }
    }
}
