package dev.warden.verifier.prevail;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One test case of PREVAIL's YAML suite, as written there.
 *
 * @param file the YAML file name
 * @param index the case's position in its file (1-based)
 * @param pre the constraints of the initial state ({@code r1.type=ctx}, {@code r2.uvalue=[0, 10]}...)
 * @param code the labelled blocks in file order ({@code <start>} first), each PREVAIL assembly text
 * @param post the constraints of the final state; {@code ["_|_"]} when it is unreachable
 * @param messages PREVAIL's expected diagnostics ({@code "4: Invalid type (r1.type == map_fd)"})
 * @param options PREVAIL options ({@code termination}, {@code !allow_division_by_zero}, {@code big_endian}...)
 * @param expectedException a message PREVAIL's own YAML reader must raise (tests of its reader)
 * @param hasObserve whether the case asserts intermediate states ({@code observe:})
 */
public record PrevailCase(String file, int index, String name, List<String> pre, Map<String, String> code,
                          List<String> post, List<String> messages, List<String> options,
                          Optional<String> expectedException, boolean hasObserve) {
    public PrevailCase {
        pre = List.copyOf(pre);
        code = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(code));
        post = List.copyOf(post);
        messages = List.copyOf(messages);
        options = List.copyOf(options);
    }

    /**
     * PREVAIL finds no error in this case. "Code becomes unreachable" is PREVAIL's note that an
     * assumption or branch is never taken, not an error.
     */
    public boolean prevailAccepts() {
        return messages.stream().allMatch(m -> m.contains("Code becomes unreachable"));
    }

    /** PREVAIL finds the end of the code unreachable. */
    public boolean postIsBottom() {
        return post.size() == 1 && post.getFirst().equals("_|_");
    }

    @Override
    public String toString() {
        return file + "#" + index + " " + name;
    }
}
