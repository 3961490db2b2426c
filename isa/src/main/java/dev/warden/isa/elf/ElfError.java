package dev.warden.isa.elf;

/**
 * One located problem in an ELF object: the file offset where the reader looked, the section it
 * was reading (empty when the problem is in the file or section headers), and what was expected.
 */
public record ElfError(long offset, String section, String message) {
    public ElfError {
        if (offset < 0) {
            throw new IllegalArgumentException("negative file offset");
        }
    }

    @Override
    public String toString() {
        return String.format("offset 0x%x%s: %s", offset, section.isEmpty() ? "" : " (section " + section + ")", message);
    }
}
