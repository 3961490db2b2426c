/*
 * The EIM capability language (docs/eim.md). No actions: the visitor in eim-spec
 * (dev.warden.eim.ModelBuilder) builds the immutable model and does every semantic check.
 *
 * The paper's notation (Kind(key = value, ...)) is accepted as written; C-style
 * declarations add what the paper leaves implicit: struct, typedef and enum types and host variables.
 */
grammar Eim;

policy
    : item* EOF
    ;

item
    : 'include' STRING ';'?                                    # includeItem
    | 'struct' ident '{' field* '}' ';'?                       # structItem
    | 'host' type ident arraySuffix* ';'                       # hostItem
    | 'typedef' type ident arraySuffix* ';'                    # typedefItem
    | 'enum' ident '{' enumerator (',' enumerator)* ','? '}' ';'? # enumItem
    | kind=declKind '(' (property (',' property)* ','?)? ')' ';'? # declItem
    ;

declKind
    : 'State_Capability'
    | 'Function_Capability'
    | 'Extension_Entry'
    | 'Extension_Class'
    ;

field
    : type ident arraySuffix* ';'
    ;

// An enumerator's value: written (an integer, possibly negative) or the previous one plus 1.
enumerator
    : ident ('=' minus='-'? INT)?
    ;

arraySuffix
    : '[' INT ']'
    ;

// Properties are keyed; which keys a declaration kind takes is checked semantically,
// so that "key not allowed here" is a located diagnostic rather than a parse error.
property
    : 'name' '=' STRING                                        # nameProp
    | 'prototype' '=' prototype                                # prototypeProp
    | 'constraints' '=' '{' (expr (',' expr)* ','?)? '}'       # constraintsProp
    | 'operation' '=' op=('read' | 'write') '(' target ')'     # operationProp
    | 'helper' '=' INT                                         # helperProp
    | 'function' '=' STRING                                    # functionProp
    | 'extension_entry' '=' STRING                             # entryProp
    | 'entries' '=' '{' (STRING (',' STRING)* ','?)? '}'       # entriesProp
    | 'allowed' '=' '{' (allowed (',' allowed)* ','?)? '}'     # allowedProp
    ;

prototype
    : '(' 'void' ')' '->' type                                 # voidParams
    | '(' (param (',' param)*)? ')' '->' type                  # someParams
    ;

param
    : type ident arraySuffix*
    ;

allowed
    : op=('read' | 'write') '(' target ')'                     # accessAllowed
    | ident cmp=('<' | '<=') bound                             # limitAllowed
    | ident                                                    # capabilityAllowed
    ;

bound
    : INT                                                      # finiteBound
    | 'inf'                                                    # infiniteBound
    ;

type
    : baseType stars+='*'*
    ;

baseType
    : scalar=('void' | 'u8' | 'u16' | 'u32' | 'u64' | 's8' | 's16' | 's32' | 's64'
             | 'int' | 'long' | 'size_t' | 'time_t' | 'bool' | 'char')  # scalarType
    | ident                                                    # namedType
    ;

path
    : ident (sel+=('->' | '.') ident)*
    ;

// What a read or write names: the bytes of a path, the whole object a pointer points to
// ('*r->hdr'), or a slice of elements [from, to) of an array or of the buffer a pointer points to,
// whose bounds may be known only at run time ('r->data[0, r->len)').
target
    : deref='*' path
    | path ('[' from=expr ',' to=expr ')')?
    ;

// C precedence, loosest last; '==>' (implication) is loosest and right-associative.
expr
    : '(' expr ')'                                             # parenExpr
    | INT                                                      # intExpr
    | value=('true' | 'false')                                 # boolExpr
    | 'null'                                                   # nullExpr
    | 'sizeof' '(' type ')'                                    # sizeofTypeExpr
    | 'sizeof' '(' path ')'                                    # sizeofPathExpr
    | ident '(' (expr (',' expr)*)? ')'                        # callExpr
    | path                                                     # pathExpr
    | op=('-' | '!') expr                                      # unaryExpr
    | expr op=('*' | '/' | '%') expr                           # binaryExpr
    | expr op=('+' | '-') expr                                 # binaryExpr
    | expr 'in' '[' expr ',' expr ']'                          # inExpr
    | expr op=('<' | '<=' | '>' | '>=') expr                   # binaryExpr
    | expr op=('==' | '!=') expr                               # binaryExpr
    | expr op='&&' expr                                        # binaryExpr
    | expr op='||' expr                                        # binaryExpr
    | <assoc=right> expr op='==>' expr                         # binaryExpr
    ;

// Soft keywords: property names and a few words stay usable as identifiers.
ident
    : IDENT | 'name' | 'prototype' | 'constraints' | 'operation' | 'helper' | 'function'
    | 'extension_entry' | 'entries' | 'allowed' | 'read' | 'write' | 'host' | 'include' | 'inf' | 'in'
    ;

INT     : [0-9]+ | '0' [xX] [0-9a-fA-F]+ ;
IDENT   : [a-zA-Z_] [a-zA-Z_0-9]* ;
STRING  : '"' (~["\\\r\n] | '\\' ["\\])* '"' ;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
WS            : [ \t\r\n\f]+ -> skip ;
// Anything else becomes one token the parser rejects, so the lexer itself never reports.
ERROR_CHAR    : . ;
