package dev.warden.runtime.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The cgroup v2 id of this process, which {@code bpf_skb_cgroup_id} gives (the socket of a
 * {@code BPF_PROG_TEST_RUN} packet belongs to the cgroup of the process that runs the test): 1 for
 * the root cgroup, else the inode of the cgroup's directory in a mounted cgroup2 file system (a
 * cgroup's id is its kernfs inode); 0 where neither can be found. Read once.
 */
final class ProcessCgroup {
    private static final long ID = find();

    private ProcessCgroup() {}

    static long id() {
        return ID;
    }

    private static long find() {
        try {
            Optional<String> path = Files.readAllLines(Path.of("/proc/self/cgroup")).stream()
                    .filter(l -> l.startsWith("0::")).map(l -> l.substring(3)).findFirst();
            if (path.isEmpty()) {
                return 0;
            }
            if (path.get().equals("/")) {
                return 1;
            }
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                List<String> f = List.of(line.split(" "));
                int dash = f.indexOf("-");
                if (dash > 0 && dash + 1 < f.size() && f.get(dash + 1).equals("cgroup2")) {
                    Path dir = Path.of(f.get(4) + path.get());
                    return ((Number) Files.getAttribute(dir, "unix:ino")).longValue();
                }
            }
            return 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return 0; // no /proc (not Linux): no cgroup to report
        }
    }
}
