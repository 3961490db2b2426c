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
 * Valid only during the call.
 */
public final class ExtensionMemory {
    private final Memory memory;
    private final int pc;

    ExtensionMemory(Memory memory, int pc) {
        this.memory = memory;
        this.pc = pc;
    }

    /** A copy of {@code length} bytes at {@code address}, which must lie in one readable region. */
    public byte[] read(long address, int length) {
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
