package dev.warden.runtime.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serialises heavy use of the kernel oracle across the JVMs of one machine (several builds
 * running the differential test at once load and free tens of thousands of programs together,
 * the storm under which Linux 6.18's JIT allocator was seen to deadlock; see {@link StuckJit}).
 * A file lock in the temporary directory between processes, a reentrant lock within one.
 */
public final class OracleLock implements AutoCloseable {
    private static final ReentrantLock IN_JVM = new ReentrantLock();
    private static FileChannel channel;
    private static FileLock fileLock;

    private OracleLock() {}

    /** Waits for the machine-wide turn; hold it while loading many programs. */
    public static OracleLock acquire() {
        IN_JVM.lock();
        if (IN_JVM.getHoldCount() == 1) {
            try {
                channel = FileChannel.open(Path.of(System.getProperty("java.io.tmpdir"), "warden-kernel-oracle.lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                fileLock = channel.lock();
            } catch (IOException e) {
                IN_JVM.unlock();
                throw new UncheckedIOException("cannot take the kernel oracle's machine-wide lock", e);
            }
        }
        return new OracleLock();
    }

    @Override
    public void close() {
        try {
            if (IN_JVM.getHoldCount() == 1) {
                fileLock.release();
                channel.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            IN_JVM.unlock();
        }
    }
}
