package dev.warden.verifier.platform;

import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.Btf;
import dev.warden.isa.elf.BtfType;
import dev.warden.isa.elf.CoreRelocator;
import dev.warden.isa.elf.ElfFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The BTF of the kernel programs are verified for (the target of CO-RE relocations, the types of
 * kernel objects programs read through typed pointers): by default {@code /sys/kernel/btf/vmlinux}.
 * Immutable; types are decoded as they are looked up ({@link Btf}), so a verification keeps only the
 * few hundred of vmlinux's 100,000 and more types it uses.
 */
public final class KernelBtf {
    /** Where the running kernel exposes its BTF. */
    public static final Path SYSTEM = Path.of("/sys/kernel/btf/vmlinux");

    private final Btf btf;
    private final Path source;
    /** Built on first use: it indexes every named type, which only CO-RE needs. */
    private volatile CoreRelocator relocator;

    private KernelBtf(Btf btf, Path source) {
        this.btf = btf;
        this.source = source;
    }

    /** Reads raw BTF (the format of {@code /sys/kernel/btf/vmlinux}). */
    public static KernelBtf read(Path path) throws IOException, ElfFormatException {
        return new KernelBtf(CoreRelocator.readBtf(path), path);
    }

    /** Wraps BTF already read. */
    public static KernelBtf of(Btf btf, Path source) {
        return new KernelBtf(btf, source);
    }

    /** The running kernel's BTF, read once per JVM; empty where it is absent or unreadable. */
    public static Optional<KernelBtf> system() {
        Optional<KernelBtf> s = systemBtf;
        if (s == null) {
            synchronized (KernelBtf.class) {
                if (systemBtf == null) {
                    systemBtf = loadSystem();
                }
                s = systemBtf;
            }
        }
        return s;
    }

    /**
     * Set by the first {@link #system()} that completes. Not a class-initialisation holder: an
     * {@link OutOfMemoryError} while reading must reach the caller (which reports it) and leave the
     * next call free to try again, where a failed class initialisation would turn every later use
     * into a {@link NoClassDefFoundError}.
     */
    private static volatile Optional<KernelBtf> systemBtf;

    private static Optional<KernelBtf> loadSystem() {
        if (!Files.isReadable(SYSTEM)) {
            return Optional.empty();
        }
        try {
            return Optional.of(read(SYSTEM));
        } catch (IOException | ElfFormatException e) {
            // An unreadable or malformed vmlinux BTF means "no target BTF": kernel-object reads
            // then stay rejected and CO-RE keeps the compiled offsets, which is the safe side.
            return Optional.empty();
        }
    }

    /**
     * The program with its CO-RE relocations applied against this BTF, as libbpf applies them at load
     * time (a relocation that cannot be resolved poisons its instruction: the program is rejected only
     * if that instruction can run). {@code local} is the object's own BTF.
     */
    public BpfProgram relocate(BpfProgram program, Btf local) {
        if (program.coreRelocations().isEmpty()) {
            return program;
        }
        CoreRelocator r = relocator;
        if (r == null) {
            synchronized (this) {
                if (relocator == null) {
                    relocator = new CoreRelocator(btf);
                }
                r = relocator;
            }
        }
        return r.apply(program, local).program();
    }

    public Btf btf() {
        return btf;
    }

    /** The file the BTF came from (for messages). */
    public Path source() {
        return source;
    }

    /** The id of the struct or union of this name (the first one, in id order). */
    public OptionalInt composite(String name) {
        // Btf looks names up in its own index, so no map of vmlinux's thousands of structs is kept here.
        OptionalInt struct = btf.named(name, BtfType.Struct.class).map(t -> OptionalInt.of(t.id())).orElse(OptionalInt.empty());
        OptionalInt union = btf.named(name, BtfType.Union.class).map(t -> OptionalInt.of(t.id())).orElse(OptionalInt.empty());
        if (struct.isPresent() && union.isPresent()) {
            return OptionalInt.of(Math.min(struct.getAsInt(), union.getAsInt()));
        }
        return struct.isPresent() ? struct : union;
    }

    /** The name of a type id, for messages ({@code struct task_struct}). */
    public String describe(int id) {
        return btf.byId(id).map(t -> switch (t) {
            case BtfType.Struct s -> "struct " + s.name();
            case BtfType.Union u -> "union " + u.name();
            default -> t.name();
        }).orElse("type " + id);
    }

    /**
     * The struct or union a pointer of BTF type {@code pointee} leads to, through typedefs and
     * modifiers; a forward declaration is completed by name. Empty for anything else.
     */
    public OptionalInt compositeOf(int pointee) {
        Optional<BtfType> t = btf.resolve(pointee);
        if (t.isEmpty()) {
            return OptionalInt.empty();
        }
        return switch (t.get()) {
            case BtfType.Struct s -> OptionalInt.of(s.id());
            case BtfType.Union u -> OptionalInt.of(u.id());
            case BtfType.Fwd f -> composite(f.name());
            default -> OptionalInt.empty();
        };
    }
}
