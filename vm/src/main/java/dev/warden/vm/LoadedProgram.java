package dev.warden.vm;

import dev.warden.isa.Program;
import java.lang.foreign.MemorySegment;

/**
 * A program prepared by an {@link Engine}, with its own {@link Memory}. Not thread-safe: one
 * run at a time. Closing it frees its native memory.
 *
 * <p>Each run starts in frame 0 with r1 = the input's address, r2 = its length, r10 = the top of
 * a 512-byte stack, and every other register 0.
 */
public interface LoadedProgram extends AutoCloseable {

    Program program();

    ExecOptions options();

    /** The program's memory: add regions (map values) before running; read it back after. */
    Memory memory();

    /** Runs on a copy of {@code input} (a read-write region named "input"; may be empty). */
    ExecResult run(byte[] input);

    /**
     * Runs on native memory in place (no copy): the input region is {@code input} with
     * {@code access}. The caller keeps it alive during the run.
     */
    ExecResult run(MemorySegment input, Access access);

    /**
     * Runs with r1 = {@code context} and r2 = 0, the way a kernel hook calls a program: the
     * context is a structure the caller placed in a region it added ({@link Memory#addRegion}),
     * and {@code packet} becomes the input region in place (no copy; {@link InputKind#PACKET}
     * runs also read it with legacy packet loads). The caller keeps both alive during the run.
     */
    ExecResult runWithContext(long context, MemorySegment packet, Access access);

    @Override
    void close();
}
