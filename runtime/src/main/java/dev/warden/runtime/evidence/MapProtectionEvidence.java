package dev.warden.runtime.evidence;

import dev.warden.mpk.IsolationMode;
import dev.warden.mpk.ProtectionKeys;
import dev.warden.mpk.Support;
import dev.warden.runtime.evidence.Report.Outcome;
import dev.warden.runtime.host.Extension;
import dev.warden.runtime.linux.HostMap;
import dev.warden.vm.ExecResult;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 12 §4 for maps through the host API: an extension with a map, loaded with an isolating
 * mode, writes the map in its runs and the host updates it; a host write to the value outside a run
 * kills a child JVM with SIGSEGV at exactly that address ({@code SEGV_PKUERR} under
 * {@code PROTECTION_KEYS}, {@code SEGV_ACCERR} under {@code MPROTECT}); with {@code NONE} the same
 * write goes through (the control, which shows the harness can tell the two apart); and this JVM,
 * which never wrote outside a run, still runs and updates the same kind of extension.
 */
final class MapProtectionEvidence {
    private MapProtectionEvidence() {}

    private static final Pattern VALUE = Pattern.compile(Pattern.quote(MapWriteOutsideARun.VALUE_AT) + "([0-9a-f]{1,16})");

    /** Shows the claim for {@code mode} (an isolating one), reports in {@code dir}. */
    static void show(Report report, IsolationMode mode, Path dir) throws Exception {
        String name = "b map " + mode;
        if (mode == IsolationMode.PROTECTION_KEYS && ProtectionKeys.probe() instanceof Support.Unsupported u) {
            report.claim(name + " host write outside a run faults", Outcome.NOT_SUPPORTED, u.reason());
            report.claim(name + " parent unharmed", Outcome.NOT_SUPPORTED, "no protection keys");
            return;
        }
        int expected = mode == IsolationMode.PROTECTION_KEYS ? ChildRun.SEGV_PKUERR : ChildRun.SEGV_ACCERR;
        ChildRun c = ChildRun.of(dir, "map-write-" + mode, MapWriteOutsideARun.class, mode.name());
        Optional<Long> target = address(c);
        // The child's own lines, without the JVM's crash banner ("#" lines; the report file keeps it).
        c.output().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(l -> report.note("  child: " + l));
        boolean killed = c.exit() != 0 && !c.output().contains(MapWriteOutsideARun.NOT_ISOLATED) && target.isPresent()
                && c.fault().isPresent() && c.fault().get().signal().equals("SIGSEGV") && c.fault().get().code() == expected
                && c.fault().get().address() == target.get();
        report.claim(name + " host write outside a run faults", killed ? Outcome.SHOWN : Outcome.FAILED,
                "child JVM exit " + c.exit() + ", " + c.fault().map(ChildRun.Fault::describe).orElse("no fault report")
                        + target.map(t -> ", the write's address was 0x" + Long.toHexString(t)).orElse(", no address printed")
                        + " (runs wrote the map, the host's update went through first)");
        report.claim(name + " parent unharmed", parentStillWorks(mode) ? Outcome.SHOWN : Outcome.FAILED,
                "this JVM loads, runs and updates a " + mode + " extension after the child's crash");
    }

    /** The control: without isolation the child's stray write goes through. */
    static void control(Report report, Path dir) throws Exception {
        ChildRun c = ChildRun.of(dir, "map-write-NONE", MapWriteOutsideARun.class, IsolationMode.NONE.name());
        boolean through = c.exit() == 0 && c.output().contains(MapWriteOutsideARun.NOT_ISOLATED) && c.fault().isEmpty();
        report.claim("b map NONE control: the same write goes through", through ? Outcome.SHOWN : Outcome.FAILED,
                "child JVM exit " + c.exit() + ", " + c.lastLine());
    }

    private static Optional<Long> address(ChildRun c) {
        Matcher m = VALUE.matcher(c.output());
        return m.find() ? Optional.of(Long.parseUnsignedLong(m.group(1), 16)) : Optional.empty();
    }

    private static boolean parentStillWorks(IsolationMode mode) throws Exception {
        try (Extension ext = EvidenceObjects.load(EvidenceObjects.Shape.COUNTER, mode, 1)) {
            boolean ran = ext.invoke(EvidenceObjects.ENTRY, new byte[0]) instanceof ExecResult.Returned r && r.r0() == 2;
            HostMap counts = ext.map("counts").orElseThrow();
            boolean counted = counts.lookup(new byte[4]).orElseThrow()[0] == 1;
            byte[] nine = new byte[16];
            nine[0] = 9;
            return ran && counted && counts.update(new byte[4], nine, HostMap.ANY) == 0
                    && counts.lookup(new byte[4]).orElseThrow()[0] == 9;
        }
    }
}
