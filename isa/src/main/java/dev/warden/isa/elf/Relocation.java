package dev.warden.isa.elf;

/**
 * A relocation the reader applied to a program's instruction at {@code pc} (a pc of the linked
 * program, subprograms included). {@code symbol} is the ELF symbol it named.
 */
public sealed interface Relocation {
    int pc();

    String symbol();

    /** A 64-bit load rewritten to {@code Pseudo.MAP_IDX}: the address of map {@code mapIndex}. */
    record MapRef(int pc, String symbol, int mapIndex) implements Relocation {}

    /**
     * A 64-bit load rewritten to {@code Pseudo.MAP_IDX_VALUE}: the address of byte {@code offset} of
     * the value of map {@code mapIndex} (global data).
     */
    record MapValue(int pc, String symbol, int mapIndex, int offset) implements Relocation {}

    /** A BPF-to-BPF call whose offset now lands on {@code targetPc}, where the callee was appended. */
    record LocalCall(int pc, String symbol, int targetPc) implements Relocation {}

    /**
     * A call of an extern kernel function ({@code extern ... __ksym}, a kfunc) rewritten to a kfunc
     * call ({@code src} 2) whose immediate is {@code btfId}, the extern's FUNC in the object's own
     * BTF; the loader replaces it with the kernel's BTF id of {@code symbol}.
     */
    record KfuncCall(int pc, String symbol, int btfId) implements Relocation {}

    /** A 64-bit load rewritten to {@code Pseudo.FUNC}: the address of the function at {@code targetPc} (a callback). */
    record FunctionAddress(int pc, String symbol, int targetPc) implements Relocation {}

    /**
     * A call of an undefined (extern) function, rewritten to a kfunc call with immediate 0: the
     * name is what the loader resolves (a kernel function, or a host function an EIM class grants).
     */
    record ExternCall(int pc, String symbol) implements Relocation {}

    /**
     * A 64-bit load of the address of an undefined (extern) variable plus {@code offset}, rewritten
     * to {@code Pseudo.BTF_ID} with immediate 0: the name is what the loader resolves (a typed
     * ksym, or host state an EIM class exposes).
     */
    record ExternVariable(int pc, String symbol, int offset) implements Relocation {}
}
