package dev.warden.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Reading the user's files with messages that say why a read failed. Java's own messages for the
 * common failures are only the path ({@code NoSuchFileException: p.s}), which repeats the path
 * and hides the reason.
 */
final class FileProblems {
    private FileProblems() {}

    /** Why a file could not be read: "no such file", "permission denied", "is a directory", or Java's reason. */
    static String why(IOException e) {
        return switch (e) {
            case NoSuchFileException x -> "no such file";
            case AccessDeniedException x -> "permission denied";
            case NotDirectoryException x -> "a parent is not a directory";
            case FileSystemException x when x.getReason() != null -> x.getReason();
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }

    /** The bytes of a file, or a user error that says why they could not be read. */
    static byte[] read(Path p) {
        if (Files.isDirectory(p)) throw new UserError(p + ": is a directory");
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UserError(p + ": cannot read: " + why(e));
        }
    }

    /**
     * At most {@code max} bytes of a file, or a user error naming {@code what} when it has more or
     * cannot be read. Reads no more than {@code max + 1} bytes, so an endless source
     * ({@code /dev/zero}, a pipe that never closes) is refused instead of filling the heap.
     */
    static byte[] readAtMost(Path p, int max, String what) {
        if (Files.isDirectory(p)) throw new UserError(what + " @" + p + ": is a directory");
        try (java.io.InputStream in = Files.newInputStream(p)) {
            byte[] b = in.readNBytes(max + 1);
            if (b.length > max) {
                throw new UserError(what + " @" + p + ": more than " + max + " bytes");
            }
            return b;
        } catch (IOException e) {
            throw new UserError(what + " @" + p + ": cannot read: " + why(e));
        }
    }

    /**
     * True if the bytes look like text: no NUL byte and valid UTF-8. A binary file given where text
     * is expected is reported as such rather than parsed (which would echo its bytes in messages).
     */
    static boolean isText(byte[] bytes) {
        for (byte b : bytes) if (b == 0) return false;
        try {
            java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }
}
