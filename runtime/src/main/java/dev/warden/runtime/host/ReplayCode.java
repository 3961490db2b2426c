package dev.warden.runtime.host;

import dev.warden.isa.Instruction;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.Program;
import dev.warden.isa.Pseudo;
import dev.warden.isa.Reg;
import dev.warden.isa.elf.BpfMap;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.isa.elf.Relocation;
import dev.warden.verifier.eim.EimPlatform;
import dev.warden.vm.Access;
import dev.warden.vm.Memory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The extension as {@link EimReplayer} runs it: what a loader would resolve (host variables, maps,
 * host functions) replaced by what the replay provides.
 */
final class ReplayCode {
    private ReplayCode() {}

    /** Helper ids the replay gives host functions (kfunc calls), above the ids of Linux's helpers. */
    static final int HOST_FUNCTION_IDS = 60_000;
    /** Where the replay's map handles lie: above every user-space address and below the function addresses, so no region holds one. */
    static final long MAP_HANDLES = 1L << 46;
    /** The map flag that makes a map read-only to programs ({@code .rodata}). */
    static final long BPF_F_RDONLY_PROG = 0x80;

    /** A global-data map's value ({@code .data}, {@code .rodata}, {@code .bss}), as the replay lays it out: its initial bytes each run. */
    record MapValue(BpfMap map, MemorySegment segment, Access access) {
        void reset() {
            segment.fill((byte) 0);
            byte[] initial = map.initialValue();
            MemorySegment.copy(MemorySegment.ofArray(initial), 0, segment, 0, Math.min(initial.length, segment.byteSize()));
        }
    }

    /**
     * The program with each host variable's {@code lddw} replaced by the address of its object's
     * memory; a map's by a handle no region holds (the replay's helpers do not look maps up: a
     * granted map helper returns 0, which is NULL for a lookup and success for an update); a map
     * value's ({@code .data}...) by the address of memory holding the map's initial value.
     */
    static Program patched(BpfProgram program, BpfObject object, EimPlatform eim, MemorySegment[] memory, Arena arena,
                                   List<MapValue> mapValues) throws InvalidProgramException {
        Map<Integer, MapValue> byIndex = new TreeMap<>();
        Program code = program.program();
        List<Instruction> out = new ArrayList<>();
        for (int i = 0; i < code.size(); i++) {
            int pc = code.pcOf(i);
            Instruction insn = code.get(i);
            if (insn instanceof Instruction.LoadImm64 l && l.pseudo() == Pseudo.BTF_ID) {
                Optional<Relocation.ExternVariable> ext = program.relocations().stream()
                        .filter(r -> r.pc() == pc && r instanceof Relocation.ExternVariable).map(r -> (Relocation.ExternVariable) r)
                        .findFirst();
                Optional<Integer> region = ext.map(Relocation.ExternVariable::symbol).or(() -> eim.hostVariableNumber(l.imm()))
                        .flatMap(eim::hostVariable);
                if (region.isPresent()) {
                    long address = memory[region.get()].address() + ext.map(Relocation.ExternVariable::offset).orElse(0);
                    insn = lddw(l.dst(), address);
                }
            }
            if (insn instanceof Instruction.LoadImm64 l && l.pseudo() == Pseudo.MAP_IDX) {
                long handle = MAP_HANDLES + l.imm();
                insn = lddw(l.dst(), handle);
            } else if (insn instanceof Instruction.LoadImm64 l && l.pseudo() == Pseudo.MAP_IDX_VALUE) {
                MapValue v = byIndex.computeIfAbsent(l.imm(), index -> {
                    BpfMap m = object.maps().stream().filter(x -> x.index() == index).findFirst().orElseThrow();
                    MemorySegment all = arena.allocate(m.valueSize() + 2 * Memory.GUARD, 16);
                    MapValue made = new MapValue(m, all.asSlice(Memory.GUARD, m.valueSize()),
                            (m.flags() & BPF_F_RDONLY_PROG) != 0 ? Access.READ_ONLY : Access.READ_WRITE);
                    mapValues.add(made);
                    return made;
                });
                long address = v.segment().address() + Integer.toUnsignedLong(l.nextImm());
                insn = lddw(l.dst(), address);
            }
            out.add(insn);
        }
        return Program.of(out);
    }

    /** Kfunc calls that name a host function of the policy become helper calls of ids from {@link #HOST_FUNCTION_IDS}, one per function. */
    static Program hostFunctionsAsHelpers(Program code, BpfProgram program, EimPlatform eim, Map<Integer, String> ids)
            throws InvalidProgramException {
        List<Instruction> out = new ArrayList<>();
        Map<String, Integer> byName = new TreeMap<>();
        for (int i = 0; i < code.size(); i++) {
            int pc = code.pcOf(i);
            Instruction insn = code.get(i);
            if (insn instanceof Instruction.Call c && c.kind() == Instruction.CallKind.KFUNC) {
                Optional<String> name = program.relocations().stream()
                        .filter(r -> r.pc() == pc && (r instanceof Relocation.ExternCall || r instanceof Relocation.KfuncCall))
                        .map(Relocation::symbol).findFirst().or(() -> eim.hostFunctionNumber(c.imm()));
                if (name.isPresent()) {
                    int id = byName.computeIfAbsent(name.get(), n -> HOST_FUNCTION_IDS + byName.size());
                    ids.put(id, name.get());
                    insn = new Instruction.Call(Instruction.CallKind.HELPER, id);
                }
            }
            out.add(insn);
        }
        return Program.of(out);
    }

    private static Instruction lddw(Reg dst, long value) {
        return new Instruction.LoadImm64(dst, Pseudo.IMM64, (int) value, (int) (value >>> 32));
    }
}
