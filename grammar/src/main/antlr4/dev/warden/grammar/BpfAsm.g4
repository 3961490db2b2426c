/*
 * eBPF assembly, one line at a time (the assembler splits the text into lines and parses each
 * with `line`, so that one bad line cannot hide the errors of the next). Two syntaxes, which may
 * be mixed line by line:
 *
 *  - the LLVM/kernel syntax that llvm-objdump -d and the verifier print:
 *      r0 = *(u32 *)(r1 + 4)     if w1 s> 5 goto +3     lock *(u64 *)(r2 + 0) += r3
 *  - the mnemonic syntax of the bpf_conformance suite:
 *      mov32 %r0, 1              ldxh %r9, [%r0+0]      jeq %r1, 0x5, +1
 *
 * The grammar only shapes the text; which names are registers, mnemonics or sizes is decided by
 * the visitor in dev.warden.isa.asm, which reports a located error for each wrong one.
 */
grammar BpfAsm;

line
    : (label=name ':')? instruction? EOF
    ;

instruction
    : dst=IDENT '=' value=imm LL                                                        # llvmLoadImm64
    | dst=IDENT '=' kind=IDENT '[' pseudoArg ']' ('[' zero=NUMBER ']' add=offset)? LL   # llvmLoadPseudo
    | dst=IDENT '=' src=operand                                                         # llvmMov
    | dst=IDENT op=compoundOp src=operand                                               # llvmAlu
    | dst=IDENT '=' '-' src=IDENT                                                       # llvmNeg
    | dst=IDENT '=' '(' type=IDENT ')' src=IDENT                                        # llvmMovsx
    | dst=IDENT '=' order=IDENT src=IDENT                                               # llvmEndian
    | dst=IDENT '=' '*' '(' type=IDENT '*' ')' address                                  # llvmLoad
    | dst=IDENT '=' '*' '(' type=IDENT '*' ')' skb=IDENT '[' packetAddress ']'          # llvmPacketLoad
    | '*' '(' type=IDENT '*' ')' address '=' src=operand                                # llvmStore
    | LOCK '*' '(' type=IDENT '*' ')' address op=compoundOp src=IDENT                   # llvmAtomic
    | dst=IDENT '=' fn=IDENT '(' '(' type=IDENT '*' ')' address ',' src=IDENT ')'       # llvmAtomicFetch
    | dst=IDENT '=' fn=IDENT '(' base=IDENT offset? ',' src=IDENT ')'                   # llvmXchg
    | dst=IDENT '=' fn=IDENT '(' base=IDENT offset? ',' expected=IDENT ',' src=IDENT ')' # llvmCmpxchg
    | IF dst=IDENT cond=condOp src=operand GOTO target annotation?                       # llvmJump
    // exit, call, callx, goto, gotol and every mnemonic of the conformance syntax: words, then
    // comma-separated operands. A word after the first is a modifier (lock fetch add, call local)
    // or a label (ja L1, goto L1, call local f).
    | words+=name+ (operands+=mnemonicOperand (',' operands+=mnemonicOperand)*)? annotation? # mnemonic
    ;

/** An LLVM operand: a register (r1, w1) or an immediate. */
operand
    : IDENT     # registerOperand
    | imm       # immediateOperand
    ;

/** (r1 + 4), (r10 - 8), (r1 +4) as the kernel prints it, or (r1). */
address
    : '(' base=IDENT offset? ')'
    ;

offset
    : sign=('+' | '-') NUMBER
    ;

imm
    : sign=('+' | '-')? NUMBER
    ;

packetAddress
    : imm                   # packetAbsolute
    | base=IDENT offset?    # packetIndirect
    ;

/** map[fd:5], map[idx:0], btf_var[7], func[pc+3]. */
pseudoArg
    : key=IDENT ':' imm     # pseudoKeyed
    | imm                   # pseudoPlain
    | base=IDENT offset     # pseudoRelative
    ;

/** +3, -3, pc+3 (the kernel's form), or a label. */
target
    : offset                # relativeTarget
    | pc=IDENT offset       # pcRelativeTarget
    | name                  # labelTarget
    ;

/** llvm-objdump's symbolic annotation of a jump target (<LBB0_2>), ignored. */
annotation
    : '<' ~('>')* '>'
    ;

mnemonicOperand
    : PREG                              # mnemonicRegister
    | imm                               # mnemonicImmediate
    | '[' base=PREG offset? ']'         # mnemonicMemory
    | name                              # mnemonicName
    ;

compoundOp
    : '+=' | '-=' | '*=' | '/=' | 's/=' | '|=' | '&=' | '<<=' | '>>=' | '%=' | 's%=' | '^=' | 's>>='
    ;

condOp
    : '==' | '!=' | '>' | '>=' | '<' | '<=' | '&' | 's>' | 's>=' | 's<' | 's<='
    ;

/** A label or mnemonic word; the keywords of the LLVM syntax may also name labels. */
name
    : IDENT | LOCK | IF | GOTO | LL
    ;

LOCK : 'lock' ;
IF : 'if' ;
GOTO : 'goto' ;
LL : 'll' ;

/** Conformance-syntax register: %r0; other names after % are rejected by the visitor. */
PREG : '%' [a-zA-Z_0-9]+ ;
NUMBER : '0' [xX] [0-9a-fA-F]+ | [0-9]+ ;
IDENT : [a-zA-Z_.$] [a-zA-Z_.$0-9]* ;

COMMENT : ('#' | ';' | '//') ~[\r\n]* -> skip ;
WS : [ \t\r\n\f]+ -> skip ;

/** Any other character reaches the parser, which reports it where it stands. */
OTHER : . ;
