package dev.warden.runtime.linux;

import dev.warden.vm.FaultKind;
import dev.warden.vm.Helpers;
import dev.warden.vm.VmFault;

/**
 * Linux's timer helpers, 169-172 ({@code bpf_timer_init}, {@code _set_callback}, {@code _start},
 * {@code _cancel}), on the object's {@link BpfTimers}. The verifier proved that each timer
 * argument is the {@code struct bpf_timer} field of a value of an array, hash or LRU hash map and
 * that {@code bpf_timer_init}'s map is the one holding it; an argument that is not (an unverified
 * program) ends the run with a fault at the call.
 */
final class TimerHelpers {
    /** {@code sizeof(struct bpf_timer)}. */
    static final int TIMER_SIZE = 16;

    private TimerHelpers() {}

    static Helpers add(Helpers table, LinuxMaps maps, RunState state) {
        return table
                .with(169, "timer_init", (m, pc, r1, r2, r3, r4, r5) -> {
                    LinuxHelpers.checked(() -> m.checkWrite(r1, TIMER_SIZE, pc), "timer");
                    LinuxMap map = LinuxHelpers.map(maps, r2, pc);
                    LinuxMap.ValueHome home = map.home(r1).orElseThrow(() -> new VmFault(pc, FaultKind.HELPER_FAILED,
                            "bpf_timer_init: the timer at 0x" + Long.toHexString(r1) + " is in no value of map " + map.name()));
                    return maps.timers().init(r1, map, r2, r3, home);
                })
                .with(170, "timer_set_callback", (m, pc, r1, r2, r3, r4, r5) -> {
                    LinuxHelpers.checked(() -> m.checkWrite(r1, TIMER_SIZE, pc), "timer");
                    // The running program's index (-1 for a program run once, whose timers never fire).
                    return maps.timers().setCallback(r1, state.program, r2);
                })
                .with(171, "timer_start", (m, pc, r1, r2, r3, r4, r5) -> {
                    LinuxHelpers.checked(() -> m.checkWrite(r1, TIMER_SIZE, pc), "timer");
                    return maps.timers().start(r1, r2, r3, state.cpu);
                })
                .with(172, "timer_cancel", (m, pc, r1, r2, r3, r4, r5) -> {
                    LinuxHelpers.checked(() -> m.checkWrite(r1, TIMER_SIZE, pc), "timer");
                    return maps.timers().cancel(r1);
                });
    }
}
