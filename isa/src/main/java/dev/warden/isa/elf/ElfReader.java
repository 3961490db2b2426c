package dev.warden.isa.elf;

import dev.warden.isa.Decoder;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.IsaError;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a {@code clang -target bpf} relocatable object (ELF64, little-endian, EM_BPF) into a
 * {@link BpfObject}, linking each program the way libbpf does before loading:
 *
 * <ul>
 *   <li>every function symbol of an executable section other than {@code .text} is a program
 *       (a section without function symbols is one program named after the section);
 *   <li>BPF-to-BPF calls ({@code call} with src 1, with or without an {@code R_BPF_64_32}
 *       relocation) into {@code .text} append the callee once, after the program, and the call
 *       offset is rewritten to land there;
 *   <li>{@code R_BPF_64_64} relocations of 64-bit loads become {@link Pseudo#MAP_IDX} (a map),
 *       {@link Pseudo#MAP_IDX_VALUE} (global data, with the byte offset in the second immediate)
 *       or {@link Pseudo#FUNC} (a callback's address);
 *   <li>maps come from the legacy {@code maps} section, then BTF {@code .maps}, then global data
 *       sections, which is the order of their indices.
 * </ul>
 *
 * Any malformed or unsupported input gives an {@link ElfFormatException} whose errors name the
 * file offset and section; the linked code is then decoded strictly by {@link Decoder}.
 */
public final class ElfReader {
    static final int R_BPF_NONE = 0;
    static final int R_BPF_64_64 = 1;
    static final int R_BPF_64_32 = 10;
    /** The {@code src} of a call of a kernel function by BTF id (BPF_PSEUDO_KFUNC_CALL). */
    static final int KFUNC_SRC = 2;
    private static final int OP_LDDW = 0x18;
    private static final int OP_CALL = 0x85;
    private static final int SLOT = 8;
    /** BPF_F_RDONLY_PROG: libbpf creates the {@code .rodata} map read-only for programs. */
    static final long F_RDONLY_PROG = 0x80;
    /** Largest global data section accepted: its initial value is held in memory. */
    static final long MAX_DATA_SECTION = 1L << 24;

    private final ElfFile elf;
    private final Optional<Btf> btf;
    private final Optional<BtfExt> ext;
    private final List<BpfMap> maps = new ArrayList<>();
    /** Map index by (section index, symbol offset) for map declarations. */
    private final Map<Integer, Map<Long, Integer>> mapBySymbol = new HashMap<>();
    /** Map index of each global data section. */
    private final Map<Integer, Integer> dataMapBySection = new HashMap<>();
    private final Map<Integer, List<Fn>> functions = new LinkedHashMap<>();
    private final Map<Integer, Map<Long, ElfFile.Rel>> relocations = new HashMap<>();

    /** A function's byte range {@code [start, end)} in a code section. */
    private record Fn(ElfSection section, String name, long start, long end) {
        int slots() {
            return (int) ((end - start) / SLOT);
        }
    }

    private ElfReader(ElfFile elf, Optional<Btf> btf, Optional<BtfExt> ext) {
        this.elf = elf;
        this.btf = btf;
        this.ext = ext;
    }

    /** Reads and links the object in {@code bytes}. */
    public static BpfObject read(byte[] bytes) throws ElfFormatException {
        ElfFile elf = ElfFile.parse(bytes);
        Optional<Btf> btf = Optional.empty();
        Optional<ElfSection> btfSection = elf.section(".BTF");
        if (btfSection.isPresent()) {
            btf = Optional.of(Btf.parse(elf.contents(btfSection.get())));
        }
        Optional<BtfExt> ext = Optional.empty();
        Optional<ElfSection> extSection = elf.section(".BTF.ext");
        if (extSection.isPresent()) {
            if (btf.isEmpty()) {
                throw elf.file.error(extSection.get().offset(), "section .BTF.ext needs a .BTF section, which is missing");
            }
            ext = Optional.of(BtfExt.parse(elf.contents(extSection.get()), btf.get()));
        }
        return new ElfReader(elf, btf, ext).read();
    }

    /** Reads and links the object file at {@code path}. */
    public static BpfObject read(Path path) throws IOException, ElfFormatException {
        return read(Files.readAllBytes(path));
    }

    private BpfObject read() throws ElfFormatException {
        for (ElfSection s : elf.sections) {
            if (s.isCode()) {
                if (s.size() % SLOT != 0) {
                    throw elf.file.error(s.offset(), "code section " + s.name() + " has size " + s.size()
                            + ", not a multiple of 8 bytes");
                }
                functions.put(s.index(), functionsOf(s));
                relocations.put(s.index(), relocationsOf(s));
            }
        }
        readLegacyMaps();
        readBtfMaps();
        readGlobalData();
        List<BpfProgram> programs = new ArrayList<>();
        List<BpfProgram> textFunctions = new ArrayList<>();
        for (Map.Entry<Integer, List<Fn>> e : functions.entrySet()) {
            boolean text = elf.sections.get(e.getKey()).name().equals(".text");
            for (Fn fn : e.getValue()) {
                if (!text) {
                    programs.add(link(fn));
                } else if (fn.slots() > 0) {
                    // clang emits an empty .text in objects without subprograms: nothing to offer.
                    textFunctions.add(link(fn));
                }
            }
        }
        return new BpfObject(elf.sections, programs, maps, license(), btf, textFunctions);
    }

    // ---------------------------------------------------------------- functions and relocations

    private List<Fn> functionsOf(ElfSection s) throws ElfFormatException {
        List<ElfSymbol> syms = elf.symbols.stream()
                .filter(y -> y.shndx() == s.index() && y.type() == ElfSymbol.STT_FUNC)
                .sorted(Comparator.comparingLong(ElfSymbol::value)).toList();
        if (syms.isEmpty()) {
            return List.of(new Fn(s, s.name(), 0, s.size()));
        }
        List<Fn> out = new ArrayList<>();
        for (int i = 0; i < syms.size(); i++) {
            ElfSymbol y = syms.get(i);
            long start = y.value();
            long end = y.size() != 0 ? start + y.size() : i + 1 < syms.size() ? syms.get(i + 1).value() : s.size();
            // Unsigned compare: st_value and st_size are 64-bit and may be wild in a broken file.
            if (start % SLOT != 0 || y.size() % SLOT != 0 || Long.compareUnsigned(start, s.size()) >= 0
                    || Long.compareUnsigned(y.size(), s.size() - start) > 0) {
                throw symbolError(y, "function " + y.name() + " (offset " + Long.toUnsignedString(start) + ", size "
                        + Long.toUnsignedString(y.size()) + ") is not a whole number of instructions inside section "
                        + s.name() + " (size " + s.size() + ")");
            }
            if (!out.isEmpty() && start < out.getLast().end()) {
                throw symbolError(y, "function " + y.name() + " overlaps function " + out.getLast().name());
            }
            out.add(new Fn(s, y.name(), start, end));
        }
        return List.copyOf(out);
    }

    private Map<Long, ElfFile.Rel> relocationsOf(ElfSection s) throws ElfFormatException {
        Map<Long, ElfFile.Rel> out = new HashMap<>();
        for (ElfFile.Rel r : elf.relocationsFor(s)) {
            if (r.type() == R_BPF_NONE) {
                continue;
            }
            if (r.offset() % SLOT != 0 || Long.compareUnsigned(r.offset(), s.size()) >= 0) {
                throw new ElfFormatException(new ElfError(r.fileOffset(), ".rel" + s.name(), "relocation offset "
                        + Long.toUnsignedString(r.offset()) + " is not the start of an instruction of " + s.name()));
            }
            if (out.put(r.offset(), r) != null) {
                throw new ElfFormatException(new ElfError(r.fileOffset(), ".rel" + s.name(),
                        "two relocations apply to offset " + r.offset() + " of " + s.name()));
            }
        }
        return out;
    }

    private ElfFormatException symbolError(ElfSymbol y, String message) {
        return new ElfFormatException(new ElfError(symtabOffset() + 24L * y.index(), ".symtab", message));
    }

    private long symtabOffset() {
        return elf.sections.stream().filter(s -> s.type() == ElfSection.SHT_SYMTAB).mapToLong(ElfSection::offset).findFirst().orElse(0);
    }

    // ---------------------------------------------------------------- linking

    /** Places functions one after another; the entry function first. */
    private final class Linker {
        final List<Fn> placed = new ArrayList<>();
        final List<Integer> bases = new ArrayList<>();
        final Map<Fn, Integer> baseByFunction = new HashMap<>();
        int nextBase;

        int baseOf(Fn fn) throws ElfFormatException {
            Integer known = baseByFunction.get(fn);
            if (known != null) {
                return known;
            }
            int base = nextBase;
            if ((long) base + fn.slots() > Integer.MAX_VALUE / SLOT) {
                throw elf.file.error(fn.section().offset() + fn.start(), "linked program is too large");
            }
            placed.add(fn);
            bases.add(base);
            baseByFunction.put(fn, base);
            nextBase += fn.slots();
            return base;
        }
    }

    private BpfProgram link(Fn entry) throws ElfFormatException {
        Linker linker = new Linker();
        linker.baseOf(entry);
        List<Relocation> relocs = new ArrayList<>();
        List<byte[]> chunks = new ArrayList<>();
        for (int k = 0; k < linker.placed.size(); k++) {
            Fn fn = linker.placed.get(k);
            int base = linker.bases.get(k);
            Bytes code = elf.contents(fn.section());
            byte[] out = code.copy(fn.start(), fn.end() - fn.start(), "code of " + fn.name());
            Map<Long, ElfFile.Rel> rels = relocations.getOrDefault(fn.section().index(), Map.of());
            for (int i = 0; i < fn.slots(); i++) {
                long o = fn.start() + (long) i * SLOT;
                int pc = base + i;
                int opcode = out[i * SLOT] & 0xff;
                int src = (out[i * SLOT + 1] & 0xff) >>> 4;
                int imm = le32(out, i * SLOT + 4);
                ElfFile.Rel r = rels.get(o);
                if (opcode == OP_LDDW) {
                    if (r != null) {
                        if (i + 1 >= fn.slots()) {
                            throw code.error(o, "relocated 64-bit load at the end of function " + fn.name() + " has no second slot");
                        }
                        relocs.add(relocateLoad(linker, code, fn, o, pc, r, out, i * SLOT));
                    }
                    if (rels.containsKey(o + SLOT)) {
                        throw code.error(o + SLOT, "relocation applies to the second slot of a 64-bit load");
                    }
                    i++;
                } else if (opcode == OP_CALL && src == 1) {
                    relocs.add(relocateCall(linker, code, fn, o, pc, imm, r, out, i * SLOT));
                } else if (r != null) {
                    throw code.error(o, String.format("relocation against %s applies to opcode 0x%02x; expected a 64-bit load (0x18) or a local call (0x85 with src 1)",
                            r.symbol().name(), opcode));
                }
            }
            chunks.add(out);
        }
        byte[] linked = new byte[linker.nextBase * SLOT];
        int at = 0;
        for (byte[] c : chunks) {
            System.arraycopy(c, 0, linked, at, c.length);
            at += c.length;
        }
        Program program;
        try {
            program = Decoder.decode(linked);
        } catch (InvalidProgramException e) {
            List<ElfError> errors = new ArrayList<>();
            for (IsaError err : e.errors()) {
                errors.add(locate(linker, entry, err));
            }
            throw new ElfFormatException(errors);
        }
        List<Function> fns = new ArrayList<>();
        for (int k = 0; k < linker.placed.size(); k++) {
            Fn fn = linker.placed.get(k);
            fns.add(new Function(fn.name(), linker.bases.get(k), fn.slots(), fn.section().name(), fn.start()));
        }
        relocs.sort(Comparator.comparingInt(Relocation::pc));
        return new BpfProgram(entry.name(), entry.section().name(), program, fns, relocs, lines(linker), coreRelocations(linker));
    }

    private ElfError locate(Linker linker, Fn entry, IsaError err) {
        for (int k = 0; k < linker.placed.size(); k++) {
            Fn fn = linker.placed.get(k);
            int base = linker.bases.get(k);
            if (err.pc() >= base && err.pc() < base + fn.slots()) {
                long off = fn.start() + (long) (err.pc() - base) * SLOT;
                return new ElfError(fn.section().offset() + off, fn.section().name(),
                        "program " + entry.name() + ", function " + fn.name() + " at section offset " + off + ": " + err);
            }
        }
        return new ElfError(entry.section().offset() + entry.start(), entry.section().name(), "program " + entry.name() + ": " + err);
    }

    private Relocation relocateCall(Linker linker, Bytes code, Fn fn, long o, int pc, int imm, ElfFile.Rel r,
                                    byte[] out, int at) throws ElfFormatException {
        ElfSection targetSection;
        long target;
        String symbol;
        if (r != null) {
            if (r.type() != R_BPF_64_32) {
                throw code.error(o, "relocation type " + r.type() + " on a call; expected R_BPF_64_32 (10)");
            }
            ElfSymbol sym = r.symbol();
            Optional<BtfType.Func> kfunc = elf.sectionOf(sym).isPresent() ? Optional.empty()
                    : btf.flatMap(b -> b.function(sym.name())).filter(f -> f.linkage() == BtfType.Linkage.EXTERN);
            if (kfunc.isPresent()) {
                // An extern kernel function (__ksym): a kfunc call, named by the object's BTF id of
                // its declaration until a loader resolves it against the kernel's BTF (as libbpf does).
                out[at + 1] = (byte) ((out[at + 1] & 0x0f) | (KFUNC_SRC << 4));
                writeLe32(out, at + 4, kfunc.get().id());
                return new Relocation.KfuncCall(pc, sym.name(), kfunc.get().id());
            }
            if (elf.sectionOf(sym).isEmpty()) {
                // An extern function the object's BTF does not declare (built without -g): still a
                // kfunc call, with immediate 0; the name stays in the relocation for the loader (or
                // the EIM platform) to resolve.
                out[at + 1] = (byte) ((out[at + 1] & 0x0f) | (KFUNC_SRC << 4));
                writeLe32(out, at + 4, 0);
                return new Relocation.ExternCall(pc, sym.name());
            }
            targetSection = elf.sectionOf(sym).orElseThrow();
            if (!targetSection.isCode()) {
                throw code.error(o, "call to " + sym.name() + " in section " + targetSection.name() + ", which holds no code");
            }
            // As libbpf: the callee's instruction index is the symbol's plus imm + 1.
            target = sym.value() + ((long) imm + 1) * SLOT;
            symbol = sym.name();
        } else {
            targetSection = fn.section();
            target = o + ((long) imm + 1) * SLOT;
            symbol = "";
        }
        Fn callee = containing(targetSection, target).orElseThrow(() -> code.error(o,
                "call target " + target + " of section " + targetSection.name() + " is not inside a function"));
        if (!callee.equals(fn) && !targetSection.name().equals(".text")) {
            throw code.error(o, "call from " + fn.name() + " to " + callee.name() + " in program section "
                    + targetSection.name() + "; only .text functions can be called");
        }
        int targetPc = linker.baseOf(callee) + (int) ((target - callee.start()) / SLOT);
        writeLe32(out, at + 4, targetPc - (pc + 1));
        return new Relocation.LocalCall(pc, symbol.isEmpty() || symbol.equals(".text") ? callee.name() : symbol, targetPc);
    }

    private Relocation relocateLoad(Linker linker, Bytes code, Fn fn, long o, int pc, ElfFile.Rel r, byte[] out, int at)
            throws ElfFormatException {
        ElfSymbol sym = r.symbol();
        if (r.type() != R_BPF_64_64) {
            throw code.error(o, "relocation type " + r.type() + " on a 64-bit load of " + sym.name() + "; expected R_BPF_64_64 (1)");
        }
        int src = (out[at + 1] & 0xff) >>> 4;
        int addend = le32(out, at + 4);
        int nextImm = le32(out, at + SLOT + 4);
        if (src != 0 || nextImm != 0) {
            throw code.error(o, "relocated 64-bit load of " + sym.name() + " must have src 0 and a zero second immediate (found src "
                    + src + ", " + nextImm + ")");
        }
        if (elf.sectionOf(sym).isEmpty()) {
            // An extern variable (a typed ksym, or host state an EIM class exposes): a BTF_ID load,
            // as libbpf makes it, with the symbol's name kept in the relocation and the addend as
            // the offset into the variable.
            setPseudo(out, at, Pseudo.BTF_ID, 0, 0);
            return new Relocation.ExternVariable(pc, sym.name(), addend);
        }
        ElfSection s = elf.sectionOf(sym).orElseThrow();
        Integer mapIndex = mapBySymbol.getOrDefault(s.index(), Map.of()).get(sym.value());
        if (mapIndex == null && mapBySymbol.containsKey(s.index())) {
            throw code.error(o, "symbol " + sym.name() + " at offset " + Long.toUnsignedString(sym.value()) + " of section " + s.name()
                    + " is not the start of a declared map");
        }
        if (mapIndex != null) {
            if (addend != 0) {
                throw code.error(o, "reference to map " + sym.name() + " with offset " + addend + "; a map reference takes none");
            }
            setPseudo(out, at, Pseudo.MAP_IDX, mapIndex, 0);
            return new Relocation.MapRef(pc, sym.name(), mapIndex);
        }
        Integer dataIndex = dataMapBySection.get(s.index());
        if (dataIndex != null) {
            long offset = sym.value() + addend;
            if (offset != (int) offset) {
                throw code.error(o, "offset " + offset + " into " + s.name() + " does not fit in 32 bits");
            }
            setPseudo(out, at, Pseudo.MAP_IDX_VALUE, dataIndex, (int) offset);
            return new Relocation.MapValue(pc, sym.name(), dataIndex, (int) offset);
        }
        if (s.isCode()) {
            long target = sym.value() + addend;
            Fn callee = containing(s, target).filter(f -> target % SLOT == 0).orElseThrow(() -> code.error(o,
                    "address of " + sym.name() + " + " + addend + " is not an instruction of a function in " + s.name()));
            if (!callee.equals(fn) && !s.name().equals(".text")) {
                throw code.error(o, "address of " + callee.name() + " in program section " + s.name()
                        + " taken; only .text functions can be callbacks");
            }
            int targetPc = linker.baseOf(callee) + (int) ((target - callee.start()) / SLOT);
            setPseudo(out, at, Pseudo.FUNC, targetPc - (pc + 1), 0);
            return new Relocation.FunctionAddress(pc, sym.name().equals(".text") ? callee.name() : sym.name(), targetPc);
        }
        throw code.error(o, "reference to " + sym.name() + " in section " + s.name() + ", which is neither a map, global data nor code");
    }

    private Optional<Fn> containing(ElfSection s, long byteOffset) {
        if (byteOffset < 0 || byteOffset % SLOT != 0) {
            return Optional.empty();
        }
        // Functions are sorted by start and do not overlap: binary search for the last start <= offset.
        List<Fn> fns = functions.getOrDefault(s.index(), List.of());
        int lo = 0;
        int hi = fns.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (fns.get(mid).start() <= byteOffset) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return hi >= 0 && byteOffset < fns.get(hi).end() ? Optional.of(fns.get(hi)) : Optional.empty();
    }

    private static void setPseudo(byte[] out, int at, Pseudo pseudo, int imm, int nextImm) {
        out[at + 1] = (byte) ((out[at + 1] & 0x0f) | pseudo.code() << 4);
        writeLe32(out, at + 4, imm);
        writeLe32(out, at + SLOT + 4, nextImm);
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3] & 0xff) << 24;
    }

    private static void writeLe32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
        b[at + 2] = (byte) (v >> 16);
        b[at + 3] = (byte) (v >> 24);
    }

    // ---------------------------------------------------------------- line information

    private List<LineInfo> lines(Linker linker) throws ElfFormatException {
        List<LineInfo> out = new ArrayList<>();
        if (ext.isEmpty()) {
            return out;
        }
        for (int k = 0; k < linker.placed.size(); k++) {
            Fn fn = linker.placed.get(k);
            int base = linker.bases.get(k);
            for (BtfExt.Line l : ext.get().lines.getOrDefault(fn.section().name(), List.of())) {
                if (l.byteOffset() < fn.start() || l.byteOffset() >= fn.end()) {
                    continue;
                }
                if (l.byteOffset() % SLOT != 0) {
                    ElfSection extSection = elf.section(".BTF.ext").orElseThrow();
                    throw elf.file.error(extSection.offset(), "line information of " + fn.section().name() + " names byte offset "
                            + l.byteOffset() + ", which is not the start of an instruction");
                }
                out.add(new LineInfo(base + (int) ((l.byteOffset() - fn.start()) / SLOT), l.file(), l.line(), l.column(), l.source()));
            }
        }
        out.sort(Comparator.comparingInt(LineInfo::pc));
        return out;
    }

    /** The CO-RE relocations of every placed function, at their pcs in the linked program. */
    private List<CoreRelocation> coreRelocations(Linker linker) throws ElfFormatException {
        List<CoreRelocation> out = new ArrayList<>();
        if (ext.isEmpty()) {
            return out;
        }
        for (int k = 0; k < linker.placed.size(); k++) {
            Fn fn = linker.placed.get(k);
            int base = linker.bases.get(k);
            for (BtfExt.Core c : ext.get().core.getOrDefault(fn.section().name(), List.of())) {
                if (c.byteOffset() < fn.start() || c.byteOffset() >= fn.end()) {
                    continue;
                }
                if (c.byteOffset() % SLOT != 0) {
                    ElfSection extSection = elf.section(".BTF.ext").orElseThrow();
                    throw elf.file.error(extSection.offset(), "CO-RE relocation of " + fn.section().name() + " names byte offset "
                            + c.byteOffset() + ", which is not the start of an instruction");
                }
                out.add(new CoreRelocation(base + (int) ((c.byteOffset() - fn.start()) / SLOT), c.kind(), c.typeId(), c.access()));
            }
        }
        out.sort(Comparator.comparingInt(CoreRelocation::pc));
        return out;
    }

    // ---------------------------------------------------------------- maps

    private int addMap(String name, MapKind kind, int type, long key, long value, long max, long flags, byte[] init) {
        int index = maps.size();
        maps.add(new BpfMap(index, name, kind, type, key, value, max, flags, init));
        return index;
    }

    private void readLegacyMaps() throws ElfFormatException {
        Optional<ElfSection> found = elf.section("maps");
        if (found.isEmpty()) {
            return;
        }
        ElfSection s = found.get();
        Bytes data = elf.contents(s);
        List<ElfSymbol> syms = mapSymbols(s);
        if (syms.isEmpty()) {
            if (s.size() == 0) {
                return;
            }
            throw data.error(0, "section maps holds " + s.size() + " bytes but no symbol names a map in it");
        }
        if (s.size() % syms.size() != 0) {
            throw data.error(0, "section maps (" + s.size() + " bytes) cannot hold " + syms.size() + " map definitions of equal size");
        }
        long defSize = s.size() / syms.size();
        if (defSize < 16) {
            throw data.error(0, "legacy map definitions of " + defSize + " bytes are too small: struct bpf_map_def needs at least 16 "
                    + "(type, key_size, value_size, max_entries)");
        }
        Map<Long, Integer> bySymbol = new HashMap<>();
        for (ElfSymbol y : syms) {
            long at = y.value();
            if (at % defSize != 0 || Long.compareUnsigned(at, s.size()) >= 0) {
                throw symbolError(y, "legacy map " + y.name() + " at offset " + Long.toUnsignedString(at)
                        + " is not the start of a " + defSize + "-byte definition in section maps");
            }
            String what = "struct bpf_map_def of " + y.name();
            int index = addMap(y.name(), MapKind.LEGACY, data.u32(at, what), data.u32l(at + 4, what), data.u32l(at + 8, what),
                    data.u32l(at + 12, what), defSize >= 20 ? data.u32l(at + 16, what) : 0, new byte[0]);
            bySymbol.put(at, index);
        }
        mapBySymbol.put(s.index(), bySymbol);
    }

    /** Symbols naming objects in a map section, by offset; section and file symbols excluded. */
    private List<ElfSymbol> mapSymbols(ElfSection s) {
        return elf.symbols.stream()
                .filter(y -> y.shndx() == s.index() && (y.type() == ElfSymbol.STT_OBJECT || y.type() == ElfSymbol.STT_NOTYPE)
                        && !y.name().isEmpty())
                .sorted(Comparator.comparingLong(ElfSymbol::value)).toList();
    }

    private void readBtfMaps() throws ElfFormatException {
        Optional<ElfSection> found = elf.section(".maps");
        if (found.isEmpty()) {
            return;
        }
        ElfSection s = found.get();
        if (btf.isEmpty()) {
            throw elf.file.error(s.offset(), "section .maps needs BTF to describe its maps, but the object has no .BTF section");
        }
        Btf b = btf.get();
        Optional<Btf.Type> datasec = b.datasec(".maps");
        if (datasec.isEmpty()) {
            if (mapSymbols(s).isEmpty()) {
                return;
            }
            throw elf.file.error(s.offset(), "section .maps has symbols but BTF has no DATASEC .maps describing them");
        }
        record Decl(ElfSymbol symbol, Btf.Type var) {}
        List<ElfSymbol> symbols = mapSymbols(s);
        List<Decl> decls = new ArrayList<>();
        for (Btf.Member m : datasec.get().members()) {
            Btf.Type var = b.type(m.type(), "DATASEC .maps");
            if (var.kind() != Btf.VAR) {
                throw btfError(var, "DATASEC .maps entry is BTF type " + var.id() + " of kind " + var.kind() + ", not a VAR");
            }
            ElfSymbol sym = symbols.stream().filter(y -> y.name().equals(var.name())).findFirst()
                    .orElseThrow(() -> btfError(var, "map " + var.name() + " of DATASEC .maps has no symbol in section .maps"));
            decls.add(new Decl(sym, var));
        }
        decls.sort(Comparator.comparingLong(d -> d.symbol().value()));
        Map<Long, Integer> bySymbol = new HashMap<>();
        for (Decl d : decls) {
            bySymbol.put(d.symbol().value(), readBtfMap(b, d.var()));
        }
        mapBySymbol.put(s.index(), bySymbol);
    }

    /** Reads one libbpf map definition: {@code __uint(f, N)} is {@code int (*f)[N]}, {@code __type(f, T)} is {@code T *f}. */
    private int readBtfMap(Btf b, Btf.Type var) throws ElfFormatException {
        String name = var.name();
        Btf.Type def = b.skipModifiers(var.sizeOrType(), "map " + name);
        if (def.kind() != Btf.STRUCT) {
            throw btfError(def, "map " + name + " is not defined by a struct (BTF kind " + def.kind() + ")");
        }
        long type = 0;
        long keySize = -1;
        long valueSize = -1;
        long maxEntries = 0;
        long flags = 0;
        for (Btf.Member m : def.members()) {
            String what = "field " + m.name() + " of map " + name;
            switch (m.name()) {
                case "type" -> type = uintField(b, m, what);
                case "max_entries" -> maxEntries = uintField(b, m, what);
                case "map_flags" -> flags = uintField(b, m, what);
                case "key_size" -> keySize = sameSize(def, what, keySize, uintField(b, m, what));
                case "value_size" -> valueSize = sameSize(def, what, valueSize, uintField(b, m, what));
                case "key" -> keySize = sameSize(def, what, keySize, pointee(b, m, what));
                case "value" -> valueSize = sameSize(def, what, valueSize, pointee(b, m, what));
                case "numa_node", "map_extra", "pinning" -> uintField(b, m, what);
                case "values" -> { } // initial contents of map-in-map and program arrays: not loaded here
                default -> throw btfError(def, "map " + name + " has unknown field " + m.name());
            }
        }
        return addMap(name, MapKind.BTF, (int) type, Math.max(keySize, 0), Math.max(valueSize, 0), maxEntries, flags, new byte[0]);
    }

    private long sameSize(Btf.Type def, String what, long before, long now) throws ElfFormatException {
        if (before >= 0 && before != now) {
            throw btfError(def, what + " gives size " + now + " but an earlier field gave " + before);
        }
        return now;
    }

    private long uintField(Btf b, Btf.Member m, String what) throws ElfFormatException {
        Btf.Type ptr = b.skipModifiers(m.type(), what);
        if (ptr.kind() != Btf.PTR) {
            throw btfError(ptr, what + " must be a pointer to an array (libbpf's __uint), found BTF kind " + ptr.kind());
        }
        Btf.Type array = b.skipModifiers(ptr.sizeOrType(), what);
        if (array.kind() != Btf.ARRAY) {
            throw btfError(array, what + " must point to an array whose length is the value, found BTF kind " + array.kind());
        }
        return array.members().get(0).offset();
    }

    private long pointee(Btf b, Btf.Member m, String what) throws ElfFormatException {
        Btf.Type ptr = b.skipModifiers(m.type(), what);
        if (ptr.kind() != Btf.PTR) {
            throw btfError(ptr, what + " must be a pointer to the type (libbpf's __type), found BTF kind " + ptr.kind());
        }
        return b.sizeOf(ptr.sizeOrType(), what);
    }

    private ElfFormatException btfError(Btf.Type t, String message) {
        return new ElfFormatException(new ElfError(t.fileOffset(), ".BTF", message));
    }

    private void readGlobalData() throws ElfFormatException {
        for (ElfSection s : elf.sections) {
            boolean data = s.name().startsWith(".rodata") || s.name().startsWith(".data") || s.name().startsWith(".bss");
            if (!data || s.isCode() || (s.flags() & ElfSection.SHF_ALLOC) == 0 || s.size() == 0
                    || (s.type() != ElfSection.SHT_PROGBITS && s.type() != ElfSection.SHT_NOBITS)) {
                continue;
            }
            if (Long.compareUnsigned(s.size(), MAX_DATA_SECTION) > 0) {
                throw elf.file.error(s.offset(), "global data section " + s.name() + " has " + Long.toUnsignedString(s.size())
                        + " bytes, more than the " + MAX_DATA_SECTION + " accepted");
            }
            byte[] init = s.type() == ElfSection.SHT_NOBITS ? new byte[(int) s.size()] : elf.contents(s).copy(0, s.size(), s.name());
            long flags = s.name().startsWith(".rodata") ? F_RDONLY_PROG : 0;
            dataMapBySection.put(s.index(), addMap(s.name(), MapKind.GLOBAL_DATA, MapType.ARRAY, 4, s.size(), 1, flags, init));
        }
    }

    private String license() throws ElfFormatException {
        Optional<ElfSection> s = elf.section("license");
        if (s.isEmpty() || !s.get().hasFileData()) {
            return "";
        }
        byte[] b = elf.contents(s.get()).copy(0, s.get().size(), "license");
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }
}
