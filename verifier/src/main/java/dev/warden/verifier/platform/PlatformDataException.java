package dev.warden.verifier.platform;

/**
 * A malformed row in a platform data file, located by file and line. The Linux platform's files
 * ship with Warden, so this is a build defect: {@link LinuxPlatform} lets it fail class
 * initialisation rather than run with a partial platform.
 */
public final class PlatformDataException extends RuntimeException {
    private final String file;
    private final int line;

    public PlatformDataException(String file, int line, String message) {
        super(file + ":" + line + ": " + message);
        this.file = file;
        this.line = line;
    }

    public PlatformDataException(String file, int line, String message, Throwable cause) {
        super(file + ":" + line + ": " + message, cause);
        this.file = file;
        this.line = line;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }
}
