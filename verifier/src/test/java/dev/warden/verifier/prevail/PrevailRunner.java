package dev.warden.verifier.prevail;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import dev.warden.isa.asm.Assembler;
import dev.warden.isa.asm.AssemblyException;
import dev.warden.verifier.Termination;
import dev.warden.verifier.VerificationResult;
import dev.warden.verifier.Verifier;
import dev.warden.verifier.VerifierOptions;
import dev.warden.verifier.Violation;
import dev.warden.verifier.platform.ContextField;
import dev.warden.verifier.platform.ContextLayout;
import dev.warden.verifier.platform.DataQuality;
import dev.warden.verifier.platform.FieldKind;
import dev.warden.verifier.platform.ProgramType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Puts one PREVAIL case to Warden and classifies the answer.
 *
 * <p>Compared: the verdict (PREVAIL's expected errors, against Warden's violations outside the
 * added checks) and, where PREVAIL accepts, each numeric final fact (through the traps of
 * {@link PrevailPrelude}) and an unreachable end. The initial state is built by a prelude of code,
 * which covers numbers and stack pointers; states with context, packet or map pointers, or with
 * relations, need an entry point that takes an initial abstract state ({@link PreState} is that
 * state as data) and are "not expressible" until the verifier has one.
 */
public final class PrevailRunner {
    private PrevailRunner() {}

    /** The outcome for one case: its class, and a reason or detail for the report. */
    public record Result(PrevailCase testCase, Classification classification, String detail) {}

    public static Result run(PrevailCase c) {
        if (c.expectedException().isPresent()) {
            return new Result(c, Classification.NOT_EXPRESSIBLE, "tests PREVAIL's YAML reader");
        }
        if (c.hasObserve()) {
            return new Result(c, Classification.NOT_EXPRESSIBLE, "observe: intermediate states");
        }
        if (c.options().contains("big_endian")) {
            return new Result(c, Classification.NOT_EXPRESSIBLE, "big-endian target");
        }
        PreState pre = PreState.parse(c.pre());
        PrevailPrelude.Prelude prelude = PrevailPrelude.prelude(pre, c.code());
        if (prelude instanceof PrevailPrelude.Prelude.NotExpressible(String reason)) {
            // Still translate and assemble the code, so that translation gaps show whatever the state.
            if (PrevailAssembly.translate(c.code()) instanceof PrevailAssembly.Translation.NotExpressible(String why)) {
                return new Result(c, Classification.NOT_EXPRESSIBLE, why);
            }
            return fromInitialState(c, pre, reason);
        }
        PrevailPrelude.Prelude.Code code = (PrevailPrelude.Prelude.Code) prelude;
        Assembled assembled = assemble(c, code.lines(), Optional.of(code.scratch()));
        if (assembled instanceof Assembled.Gap(String reason)) {
            return new Result(c, Classification.NOT_EXPRESSIBLE, reason);
        }
        Assembled.Code ac = (Assembled.Code) assembled;
        Program program = ac.program();
        String text = ac.assembly().text();
        List<Integer> origins = ac.assembly().origins();
        List<Integer> exits = ac.assembly().exits();
        List<PrevailPrelude.Check> checks = ac.checks();
        // PREVAIL checks termination only when asked to; Warden's runtime mode is the same contract.
        Termination termination = c.options().contains("termination") ? Termination.PROOF : Termination.RUNTIME;
        VerifierOptions options = VerifierOptions.linux().withTermination(termination);
        if (code.context()) {
            options = options.withType(PREVAIL_CONTEXT);
        }
        VerificationResult result;
        try {
            BpfProgram bpf = new BpfProgram("prevail_case", "", program, List.of(), List.of(), List.of());
            result = Verifier.verify(new BpfObject(List.of(), List.of(bpf), maps(code.regionSizes()), "GPL"), bpf, options);
        } catch (UnsupportedOperationException e) {
            return new Result(c, Classification.NOT_RUN, "analysis not available: " + e.getMessage());
        }
        return compare(c, result, program, checks, endPc(text), origins, exits);
    }

    /** What the report prefixes to the detail of a case run from an initial state rather than a prelude. */
    static final String FROM_STATE = "[initial state] ";

    /**
     * A case whose pre-state no prelude of code builds, run from that state itself
     * ({@link Verifier#verifyFrom}): once per state when a register has several types, the
     * violations of all runs together.
     */
    private static Result fromInitialState(PrevailCase c, PreState pre, String preludeGap) {
        PrevailInitialState.Built built = PrevailInitialState.of(pre);
        if (built instanceof PrevailInitialState.Built.NotExpressible(String why)) {
            return new Result(c, Classification.NOT_EXPRESSIBLE, "initial state not expressible, " + why + "; no prelude either, "
                    + preludeGap);
        }
        PrevailInitialState.Built.States states = (PrevailInitialState.Built.States) built;
        Assembled assembled = assemble(c, List.of(), PrevailPrelude.free(pre, c.code()).stream().findFirst());
        if (assembled instanceof Assembled.Gap(String reason)) {
            return new Result(c, Classification.NOT_EXPRESSIBLE, reason);
        }
        Assembled.Code ac = (Assembled.Code) assembled;
        Program program = ac.program();
        PrevailAssembly.Translation.Assembly a = ac.assembly();
        List<PrevailPrelude.Check> checks = ac.checks();
        Termination termination = c.options().contains("termination") ? Termination.PROOF : Termination.RUNTIME;
        VerifierOptions options = VerifierOptions.linux().withTermination(termination);
        if (states.context()) {
            options = options.withType(PREVAIL_CONTEXT);
        }
        BpfProgram bpf = new BpfProgram("prevail_case", "", program, List.of(), List.of(), List.of());
        BpfObject object = new BpfObject(List.of(), List.of(bpf), maps(states.regionSizes()), "GPL");
        List<Violation> violations = new ArrayList<>();
        for (dev.warden.verifier.state.AbstractState s : states.states()) {
            if (Verifier.verifyFrom(object, bpf, options, s) instanceof VerificationResult.Rejected r) {
                r.violations().stream().filter(v -> !violations.contains(v)).forEach(violations::add);
            }
        }
        Result r = compare(c, violations, program, checks, endPc(a.text()), a.origins(), a.exits());
        List<Violation> real = violations.stream().filter(v -> trapOf(program, v.pc()).isEmpty()).toList();
        if (r.classification() == Classification.WARDEN_LESS_PRECISE && c.prevailAccepts() && !real.isEmpty()
                && real.stream().allMatch(v -> v.message().contains("outside the 512-byte frame"))) {
            // PREVAIL's stack holds every frame of the call chain (4096 bytes); Warden's entry frame
            // is the kernel's 512 bytes, so a pointer the state places beyond it has nothing to reach.
            r = new Result(c, Classification.DIFFERENT_SEMANTICS, r.detail() + " | stack model: one 512-byte frame");
        }
        String dropped = states.dropped().isEmpty() ? "" : " | facts left out: " + String.join(", ", states.dropped());
        return new Result(c, r.classification(), FROM_STATE + r.detail() + (states.states().size() > 1
                ? " | " + states.states().size() + " states" : "") + dropped);
    }

    /** The case's code assembled with its prelude and the checks of PREVAIL's final facts, or why it cannot be. */
    sealed interface Assembled {
        record Code(Program program, PrevailAssembly.Translation.Assembly assembly, List<PrevailPrelude.Check> checks)
                implements Assembled {}

        record Gap(String reason) implements Assembled {}
    }

    /** {@code scratch}: a register neither the state nor the code names, for the checks' 64-bit bounds. */
    private static Assembled assemble(PrevailCase c, List<String> prelude, Optional<Integer> scratch) {
        List<String> endChecks = new ArrayList<>();
        List<String> traps = new ArrayList<>();
        List<PrevailPrelude.Check> checks = new ArrayList<>();
        if (c.prevailAccepts() && c.postIsBottom()) {
            // PREVAIL proves the end unreachable: a trap there tells whether Warden does too.
            endChecks.add("call " + (PrevailPrelude.TRAP_HELPER + BOTTOM_CHECK));
            checks.add(new PrevailPrelude.Check(PrevailAssembly.END, "_|_ (end unreachable)"));
        } else if (c.prevailAccepts()) {
            if (scratch.isEmpty()) {
                return new Assembled.Gap("no register free for the checks of the final facts");
            }
            checks.addAll(PrevailPrelude.checks(c.post(), scratch.get(), endChecks, traps));
            // A probe Warden must report: without it, an end Warden wrongly thinks unreachable
            // would make every fact look proved.
            endChecks.add("call " + (PrevailPrelude.TRAP_HELPER + REACH_PROBE));
        }
        PrevailAssembly.Translation t = PrevailAssembly.translate(c.code(), prelude, endChecks, traps);
        if (t instanceof PrevailAssembly.Translation.NotExpressible(String reason)) {
            return new Assembled.Gap(reason);
        }
        PrevailAssembly.Translation.Assembly a = (PrevailAssembly.Translation.Assembly) t;
        try {
            return new Assembled.Code(Assembler.assemble(a.text()), a, checks);
        } catch (AssemblyException e) {
            return new Assembled.Gap("assembly: " + firstLine(e.getMessage()));
        }
    }

    private static final java.util.regex.Pattern MESSAGE_PC = java.util.regex.Pattern.compile("^(\\d+)(?: \\(counter\\))?: (.*)");

    /**
     * Whether every instruction PREVAIL names in an error ("4: Upper bound must be...") is one
     * where Warden reports a violation too (its pcs mapped back through the translation).
     */
    enum Location { SAME, DIFFERENT, UNNAMED }

    static Location sameLocations(PrevailCase c, List<Violation> real, List<Integer> origins, List<Integer> exits) {
        Set<Integer> prevail = new TreeSet<>();
        for (String m : c.messages()) {
            java.util.regex.Matcher x = MESSAGE_PC.matcher(m);
            if (x.matches() && !x.group(2).contains("Code becomes unreachable")) {
                prevail.add(Integer.parseInt(x.group(1)));
            }
        }
        Set<Integer> warden = new TreeSet<>();
        for (Violation v : real) {
            if (v.pc() < origins.size() && origins.get(v.pc()) >= 0) {
                warden.add(origins.get(v.pc()));
            } else if (v.pc() < origins.size() && origins.get(v.pc()) == PrevailAssembly.Translation.FINAL_EXIT) {
                warden.addAll(exits); // the final exit stands for every exit of the case's main function
            }
        }
        if (prevail.isEmpty()) {
            return Location.UNNAMED;
        }
        return warden.containsAll(prevail) ? Location.SAME : Location.DIFFERENT;
    }

    private static final int HASH = 1;
    private static final int ARRAY = 2;
    private static final int PROG_ARRAY = 3;

    /**
     * PREVAIL's harness map (fd 1: an array of one 4-byte value; {@code map_val(1)} is its value's
     * address, which only an array allows), a program array, and a hash map of one value of each
     * region size the initial state needs (a hash map, so that a lookup may give NULL whatever the
     * key: an array lookup with the prelude's constant key 0 is never NULL, and PREVAIL's "shared"
     * regions whose address range includes 0 must stay maybe-null).
     */
    static List<BpfMap> maps(List<Integer> regionSizes) {
        List<BpfMap> maps = new ArrayList<>();
        maps.add(new BpfMap(PrevailPrelude.HARNESS_MAP, "prevail_map", MapKind.LEGACY, ARRAY, 4, 4, 1, 0, new byte[0]));
        maps.add(new BpfMap(PrevailPrelude.PROGRAM_ARRAY, "prevail_programs", MapKind.LEGACY, PROG_ARRAY, 4, 4, 4, 0, new byte[0]));
        for (int size : regionSizes) {
            maps.add(new BpfMap(maps.size(), "region_" + size, MapKind.LEGACY, HASH, 4, size, 1, 0, new byte[0]));
        }
        return maps;
    }

    /** The pc of the end label: the slots before it (a 64-bit load, "... ll", takes two). */
    static int endPc(String text) {
        int pc = 0;
        for (String line : text.split("\n")) {
            if (line.equals(PrevailAssembly.END + ":")) {
                return pc;
            }
            if (!line.endsWith(":") && !line.isBlank()) {
                pc += line.endsWith(" ll") ? 2 : 1;
            }
        }
        throw new IllegalStateException("no end label in the translation");
    }

    /**
     * The context of PREVAIL's YAML harness ({@code size=64, data=0, end=4, meta=-1}): two packet
     * pointer slots, the rest plain data the program may read and write.
     */
    static final ProgramType PREVAIL_CONTEXT = new ProgramType("prevail_test", 0, List.of(),
            new ContextLayout("prevail_test_ctx", 64, List.of(
                    new ContextField("data", 0, 4, FieldKind.PACKET, true, false, false),
                    new ContextField("data_end", 4, 4, FieldKind.PACKET_END, true, false, false),
                    new ContextField("scalars", 8, 56, FieldKind.SCALAR, true, true, true))),
            Optional.empty(), true, true, DataQuality.BEST_EFFORT);

    /** The check number of the end-unreachable trap (facts are numbered from 0). */
    static final int BOTTOM_CHECK = 999;
    /** The trap that must fire: the end is reachable. */
    static final int REACH_PROBE = 998;

    /** The trap a violation belongs to (the trap's call and the two instructions after it), if any. */
    static Optional<Integer> trapOf(Program program, int pc) {
        for (int back = 0; back <= 2; back++) {
            int at = pc - back;
            if (at < 0) {
                break;
            }
            try {
                if (program.at(at) instanceof Instruction.Call call && call.imm() >= PrevailPrelude.TRAP_HELPER
                        && call.imm() <= PrevailPrelude.TRAP_HELPER + BOTTOM_CHECK) {
                    return Optional.of(call.imm() - PrevailPrelude.TRAP_HELPER);
                }
            } catch (RuntimeException notAnInstructionStart) {
                // the second slot of a 64-bit load: not a trap
            }
        }
        return Optional.empty();
    }

    static Result compare(PrevailCase c, VerificationResult result, Program program, List<PrevailPrelude.Check> checks,
                          int endPc, List<Integer> origins, List<Integer> exits) {
        return compare(c, result instanceof VerificationResult.Rejected r ? r.violations() : List.of(), program, checks,
                endPc, origins, exits);
    }

    static Result compare(PrevailCase c, List<Violation> all, Program program, List<PrevailPrelude.Check> checks,
                          int endPc, List<Integer> origins, List<Integer> exits) {
        List<Violation> real = new ArrayList<>();
        Set<Integer> failedChecks = new TreeSet<>();
        for (Violation v : all) {
            Optional<Integer> trap = trapOf(program, v.pc());
            if (trap.isPresent()) {
                failedChecks.add(trap.get());
            } else {
                real.add(v);
            }
        }
        boolean wardenAccepts = real.isEmpty();
        String warden = wardenAccepts ? "accept" : "reject: " + real.stream().map(Violation::toString)
                .collect(Collectors.joining("; "));
        boolean probed = c.prevailAccepts() && !c.postIsBottom();
        boolean endReached = failedChecks.remove(REACH_PROBE);
        List<String> unproved = new ArrayList<>();
        for (int k : failedChecks) {
            unproved.add(k == BOTTOM_CHECK ? "_|_ (end unreachable)" : checks.get(k).fact());
        }
        if (probed && !endReached && wardenAcceptsIgnoring(real)) {
            return new Result(c, Classification.WARDEN_MORE_PRECISE, "Warden finds the end unreachable, PREVAIL does not");
        }
        String detail = "PREVAIL " + (c.prevailAccepts() ? "accept" : "reject: " + String.join("; ", c.messages()))
                + " | Warden " + warden + (checks.isEmpty() ? "" : " | facts " + (checks.size() - unproved.size()) + "/"
                + checks.size() + (unproved.isEmpty() ? "" : ", not proved: " + unproved));
        if (wardenAccepts == c.prevailAccepts()) {
            if (!wardenAccepts) {
                detail += " | " + switch (sameLocations(c, real, origins, exits)) {
                    case SAME -> "same instructions";
                    case DIFFERENT -> "different instructions";
                    case UNNAMED -> "PREVAIL names no instruction";
                };
            }
            return new Result(c, unproved.isEmpty() ? Classification.AGREE : Classification.WARDEN_LESS_PRECISE, detail);
        }
        if (semanticsDiffer(c) || kernelFrameRule(c, real) || kernelRejectsToo(c, real, endPc)) {
            return new Result(c, Classification.DIFFERENT_SEMANTICS, detail);
        }
        return new Result(c, wardenAccepts ? Classification.WARDEN_MORE_PRECISE : Classification.WARDEN_LESS_PRECISE, detail);
    }

    /**
     * Where the disagreement comes from a definition, not from precision:
     * <ul>
     *   <li>eBPF defines division by zero (result 0, or the dividend for modulo); PREVAIL can be
     *       told to forbid it ({@code !allow_division_by_zero});
     *   <li>PREVAIL's bare entry leaves r1 uninitialised, Warden's bare program gets an
     *       unknown-scalar context there;
     *   <li>Warden follows the kernel's privileged (root) rules, where a pointer may be used as a
     *       number (moved to 32 bits, compared, divided) and uninitialised stack may be read;
     *       PREVAIL refuses both. (Warden also lets root add or subtract pointers of different
     *       regions into a number, which the kernel refuses: listed as a difference to review.)
     * </ul>
     */
    /**
     * Where PREVAIL accepts and Warden rejects by a rule the kernel has too: a read of an
     * uninitialised register in the case's own code (PREVAIL lets such values be copied; a read at
     * the added checks is different: there Warden lost a value PREVAIL kept), a partial or
     * straddling load of a context pointer field, or {@code callx} (Linux has no indirect calls).
     */
    static boolean kernelRejectsToo(PrevailCase c, List<Violation> real, int endPc) {
        if (!c.prevailAccepts() || real.isEmpty()) {
            return false;
        }
        // The kernel lets a program load dst_port (offset 48 of struct bpf_sock) as 4 bytes for
        // backward compatibility (selftest "sk->dst_port [word load]"), so there Warden, not a
        // kernel rule, refuses.
        return real.stream().allMatch(v -> v.obligation() == dev.warden.verifier.ObligationKind.INITIALISED && v.pc() < endPc
                || v.message().contains("is a pointer field")
                || v.message().contains("is not inside a field") && !v.message().contains("offset 48 of struct bpf_sock")
                || v.message().contains("indirect calls")
                // PREVAIL's harness map has no type; Warden's stand-in for it is an array.
                || v.message().contains("prevail_map of type"));
    }

    private static boolean wardenAcceptsIgnoring(List<Violation> real) {
        return real.isEmpty();
    }

    static boolean semanticsDiffer(PrevailCase c) {
        if (c.options().contains("!allow_division_by_zero")) {
            return true;
        }
        List<String> m = c.messages();
        return m.stream().anyMatch(s -> s.contains("division by zero") || s.contains("Uninitialized") && s.contains("r1")
                || s.contains("Invalid type") || s.contains("Only numbers can be used") || s.contains("comparison/subtraction")
                || s.contains("Stack content is not numeric") || s.contains("Cannot subtract pointers")
                || s.contains("Only numbers can be added to pointers") || s.contains("non-numerical value")
                // PREVAIL's check that an operand of a pointer subtraction is a valid pointer; root
                // may subtract any two pointers (the kernel with allow_ptr_leaks), only accesses are checked.
                || s.contains("total_stack_size (r2.type == number or"));
    }

    /**
     * BPF-to-BPF calls: like the kernel, Warden gives a callee fresh r6-r9 and wants r0 written
     * before a subprogram's exit; PREVAIL lets a callee read its caller's r6 and return nothing.
     */
    static boolean kernelFrameRule(PrevailCase c, List<Violation> violations) {
        boolean localCall = c.code().values().stream().anyMatch(b -> b.matches("(?s).*\\bcall\\s+<.*"));
        return localCall && !violations.isEmpty()
                && violations.stream().allMatch(v -> v.obligation() == dev.warden.verifier.ObligationKind.INITIALISED);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
