package dev.warden.bench;

import dev.warden.isa.Instruction;
import dev.warden.isa.Program;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.MapKind;
import java.util.List;

/**
 * The object the host-API benchmarks load: an xdp program {@code empty} that returns 2 and does
 * nothing else, and a hash map {@code table} of up to 4,096 entries with 8-byte keys and values
 * for the host's map operations.
 */
final class EmptyWithTable {
    private EmptyWithTable() {}

    /** {@code r0 = 2; exit}. */
    static Program returnTwo() throws Exception {
        return Program.of(
                new Instruction.Alu(dev.warden.isa.Width.W64, dev.warden.isa.AluOp.MOV, dev.warden.isa.Reg.R0,
                        new dev.warden.isa.Imm(2)),
                new Instruction.Exit());
    }

    static BpfObject object() throws Exception {
        BpfProgram p = new BpfProgram("empty", "xdp", returnTwo(), List.of(), List.of(), List.of());
        BpfMap table = new BpfMap(0, "table", MapKind.BTF, 1, 8, 8, 4096, 0, new byte[0]);
        return new BpfObject(List.of(), List.of(p), List.of(table), "GPL");
    }
}
