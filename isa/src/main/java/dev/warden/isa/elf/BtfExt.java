package dev.warden.isa.elf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code .BTF.ext} section: per code section, function records (where each BTF FUNC starts)
 * and line records (source position of an instruction). In a relocatable object the
 * instruction offsets are byte offsets in their section; the reader turns them into pcs.
 */
final class BtfExt {
    /** A function record: byte offset in the section and the BTF FUNC type's name. */
    record Func(long byteOffset, String name) {}

    /** A line record: byte offset in the section, file, line, column and the source line's text. */
    record Line(long byteOffset, String file, int line, int column, String source) {}

    /** A CO-RE relocation record: byte offset in the section, kind, root type id, access string. */
    record Core(long byteOffset, CoreRelocation.Kind kind, int typeId, String access) {}

    final Map<String, List<Func>> funcs;
    final Map<String, List<Line>> lines;
    final Map<String, List<Core>> core;

    private BtfExt(Map<String, List<Func>> funcs, Map<String, List<Line>> lines, Map<String, List<Core>> core) {
        this.funcs = funcs;
        this.lines = lines;
        this.core = core;
    }

    static BtfExt parse(Bytes ext, Btf btf) throws ElfFormatException {
        int magic = ext.u16(0, "BTF.ext magic");
        if (magic != Btf.MAGIC) {
            throw ext.error(0, String.format("BTF.ext magic: expected 0xeb9f, found 0x%x", magic));
        }
        int version = ext.u8(2, "BTF.ext version");
        if (version != 1) {
            throw ext.error(2, "BTF.ext version: expected 1, found " + version);
        }
        long hdrLen = ext.u32l(4, "BTF.ext header length");
        if (hdrLen < 24) {
            throw ext.error(4, "BTF.ext header length " + hdrLen + " is shorter than the 24 bytes of the header");
        }
        Bytes funcInfo = ext.slice(hdrLen + ext.u32l(8, "func_info_off"), ext.u32l(12, "func_info_len"), "BTF.ext func_info");
        Bytes lineInfo = ext.slice(hdrLen + ext.u32l(16, "line_info_off"), ext.u32l(20, "line_info_len"), "BTF.ext line_info");

        Map<String, List<Func>> funcs = new LinkedHashMap<>();
        for (Block b : blocks(funcInfo, btf, 8, "func_info")) {
            List<Func> list = funcs.computeIfAbsent(b.section, k -> new ArrayList<>());
            for (int i = 0; i < b.count; i++) {
                long at = b.start + (long) i * b.recordSize;
                long off = b.bytes.u32l(at, "func_info insn_off");
                Btf.Type t = btf.type(b.bytes.u32l(at + 4, "func_info type_id"), "func_info of " + b.section);
                if (t.kind() != Btf.FUNC) {
                    throw b.bytes.error(at + 4, "func_info type " + t.id() + " is not a BTF FUNC (kind " + t.kind() + ")");
                }
                list.add(new Func(off, t.name()));
            }
        }
        Map<String, List<Line>> lines = new LinkedHashMap<>();
        for (Block b : blocks(lineInfo, btf, 16, "line_info")) {
            List<Line> list = lines.computeIfAbsent(b.section, k -> new ArrayList<>());
            for (int i = 0; i < b.count; i++) {
                long at = b.start + (long) i * b.recordSize;
                long off = b.bytes.u32l(at, "line_info insn_off");
                String file = btf.string(b.bytes.u32l(at + 4, "line_info file_name_off"), "line_info file name");
                String source = btf.string(b.bytes.u32l(at + 8, "line_info line_off"), "line_info source line");
                int lineCol = b.bytes.u32(at + 12, "line_info line_col");
                list.add(new Line(off, file, lineCol >>> 10, lineCol & 0x3ff, source));
            }
        }
        // The header grew core_relo_off/core_relo_len (bytes 24..31) with CO-RE; older objects stop at 24.
        Map<String, List<Core>> core = new LinkedHashMap<>();
        if (hdrLen >= 32) {
            Bytes coreInfo = ext.slice(hdrLen + ext.u32l(24, "core_relo_off"), ext.u32l(28, "core_relo_len"), "BTF.ext core_relo");
            CoreRelocation.Kind[] kinds = CoreRelocation.Kind.values();
            for (Block b : blocks(coreInfo, btf, 16, "core_relo")) {
                List<Core> list = core.computeIfAbsent(b.section, k -> new ArrayList<>());
                for (int i = 0; i < b.count; i++) {
                    long at = b.start + (long) i * b.recordSize;
                    long off = b.bytes.u32l(at, "core_relo insn_off");
                    long typeId = b.bytes.u32l(at + 4, "core_relo type_id");
                    btf.type(typeId, "core_relo of " + b.section);
                    String access = btf.string(b.bytes.u32l(at + 8, "core_relo access_str_off"), "core_relo access string");
                    long kind = b.bytes.u32l(at + 12, "core_relo kind");
                    if (kind >= kinds.length) {
                        throw b.bytes.error(at + 12, "core_relo kind " + kind + " is not a known bpf_core_relo_kind");
                    }
                    list.add(new Core(off, kinds[(int) kind], (int) typeId, access));
                }
            }
        }
        return new BtfExt(freeze(funcs), freeze(lines), freeze(core));
    }

    private record Block(Bytes bytes, String section, long start, long count, long recordSize) {}

    /** Splits an info area into its per-section blocks: rec_size, then (sec_name_off, num_info, records)*. */
    private static List<Block> blocks(Bytes area, Btf btf, int minRecord, String what) throws ElfFormatException {
        List<Block> out = new ArrayList<>();
        if (area.length() == 0) {
            return out;
        }
        long recordSize = area.u32l(0, what + " rec_size");
        if (recordSize < minRecord || recordSize % 4 != 0) {
            throw area.error(0, what + " rec_size " + recordSize + ": expected a multiple of 4, at least " + minRecord);
        }
        long at = 4;
        while (at < area.length()) {
            String section = btf.string(area.u32l(at, what + " sec_name_off"), what + " section name");
            long count = area.u32l(at + 4, what + " num_info");
            at += 8;
            // count and recordSize are below 2^32, so their product fits in a long.
            area.slice(at, count * recordSize, what + " records of section " + section);
            out.add(new Block(area, section, at, count, recordSize));
            at += count * recordSize;
        }
        return out;
    }

    private static <T> Map<String, List<T>> freeze(Map<String, List<T>> m) {
        Map<String, List<T>> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return Map.copyOf(out);
    }
}
