package dev.warden.runtime.host;

import dev.warden.vm.FaultKind;
import dev.warden.vm.Memory;
import dev.warden.vm.VmFault;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The memory of the run that called a host function: read and write it through pointers the
 * extension passed, checked against the run's regions (stack, context, packet, map values, host
 * state). A pointer outside them ends the run with a fault at the call, not a host crash.
 * Valid only during the call, on the invoking thread: kept and used later (when the stack it
 * points into is the next run's, or freed with the extension) or from another thread (which
 * cannot know when the call ends), {@link #read} and {@link #write} throw
 * {@link IllegalStateException}.
 */
public final class ExtensionMemory {
    private final Memory memory;
    private final int pc;
    /** The thread of the call; only it may use the view, so {@link #open} needs no synchronisation. */
    private final Thread owner = Thread.currentThread();
    private boolean open = true;

    ExtensionMemory(Memory memory, int pc) {
        this.memory = memory;
        this.pc = pc;
    }

    /** Ends the view: the host function's call returned. */
    void end() {
        open = false;
    }

    private void checkInCall() {
        if (Thread.currentThread() != owner || !open) {
            throw new IllegalStateException("ExtensionMemory of the host function call at pc " + pc + " used "
                    + (Thread.currentThread() != owner ? "from another thread" : "after the call returned")
                    + ": it is valid only during the call, on the invoking thread");
        }
    }

    /** A copy of {@code length} bytes at {@code address}, which must lie in one readable region. */
    public byte[] read(long address, int length) {
        checkInCall();
        if (length < 0) {
            throw new VmFault(pc, FaultKind.HELPER_FAILED, "host function read of " + length + " bytes");
        }
        if (length == 0) {
            return new byte[0];
        }
        memory.checkRead(address, length, pc);
        return MemorySegment.ofAddress(address).reinterpret(length).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Writes {@code bytes} at {@code address}, which must lie in one writable region. */
    public void write(long address, byte[] bytes) {
        checkInCall();
        if (bytes.length == 0) {
            return;
        }
        memory.checkWrite(address, bytes.length, pc);
        MemorySegment.copy(bytes, 0, MemorySegment.ofAddress(address).reinterpret(bytes.length), ValueLayout.JAVA_BYTE, 0,
                bytes.length);
    }

    /** The instruction that made the call (for messages). */
    public int pc() {
        return pc;
    }
}
