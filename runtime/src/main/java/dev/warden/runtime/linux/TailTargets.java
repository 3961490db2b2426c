package dev.warden.runtime.linux;

import dev.warden.vm.Memory;

/** What {@code bpf_tail_call} needs of the CPU that runs it: which programs it may start, and a way to run one in a subprogram's place. */
interface TailTargets {
    /** Whether program {@code index} of the object is loaded on this CPU. */
    boolean loads(int index);

    /**
     * Runs program {@code index} in the place of the subprogram running in {@code caller} (which
     * called the helper), on the caller's budget, following the target's own tail calls; returns
     * its r0 and hands the caller the budget left.
     */
    long runInPlaceOf(Memory caller, int index, long r1);
}
