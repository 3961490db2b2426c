package dev.warden.verifier.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The helper table's ids and names against the installed uapi header's {@code
 * ___BPF_FUNC_MAPPER} (ids are positions in that list, from {@code unspec} = 0). The header may be
 * older than the table; every id it lists must agree. Skipped where no header is installed.
 */
class HelperIdsMatchUapiHeaderTest {
    private static final Path HEADER = Path.of("/usr/include/linux/bpf.h");

    @Test
    void everyHelperTheInstalledHeaderListsHasItsIdAndName() throws Exception {
        assumeTrue(Files.isReadable(HEADER), "no uapi header at " + HEADER);
        String text = Files.readString(HEADER);
        int start = text.indexOf("FN(unspec");
        assumeTrue(start >= 0, "the header has no ___BPF_FUNC_MAPPER");
        // The mapper ends where the macros that expand it begin.
        int end = text.indexOf("#define __BPF_ENUM_FN", start);
        if (end < 0) {
            end = text.indexOf("enum bpf_func_id", start);
        }
        assumeTrue(end > start, "cannot find the end of ___BPF_FUNC_MAPPER");
        // Both spellings occur: FN(name) (before 6.1) and FN(name, id, ##ctx) (from 6.1).
        Matcher m = Pattern.compile("FN\\(([a-z0-9_]+)(?:,\\s*(\\d+))?").matcher(text.substring(start, end));
        List<String> names = new ArrayList<>();
        while (m.find()) {
            if (m.group(2) != null) {
                assertEquals(names.size(), Integer.parseInt(m.group(2)), "explicit id of " + m.group(1));
            }
            names.add(m.group(1));
        }
        assertTrue(names.size() > 200, "parsed only " + names.size() + " helper names from " + HEADER);
        for (int id = 1; id < names.size(); id++) {
            final int helperId = id;
            HelperPrototype h = Platform.linux().helper(id).orElseThrow(() -> new AssertionError("no helper " + helperId));
            assertEquals(names.get(id), h.name(), "helper " + id);
        }
    }
}
