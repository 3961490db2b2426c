package dev.warden.isa.asm;

import dev.warden.grammar.BpfAsmLexer;
import dev.warden.grammar.BpfAsmParser;
import dev.warden.isa.InvalidProgramException;
import dev.warden.isa.Instruction;
import dev.warden.isa.IsaError;
import dev.warden.isa.Program;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.antlr.v4.runtime.BailErrorStrategy;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Assembles eBPF assembly text into a {@link Program}. Each line holds an optional label
 * ({@code name:}) and an optional instruction in either of two syntaxes, mixed freely:
 * the LLVM/kernel syntax that {@link Disassembler} prints ({@code r0 = *(u32 *)(r1 + 4)},
 * {@code if w1 s> 5 goto +3}) and the mnemonic syntax of the bpf_conformance suite
 * ({@code mov32 %r0, 1}, {@code ldxh %r9, [%r0+0]}, {@code jeq %r1, 0x5, +1}). Comments start
 * with {@code #}, {@code ;} or {@code //}. Jump targets are relative offsets in slots
 * ({@code +3}, {@code pc+3}) or labels; as in the conformance suite's assembler, an undefined
 * label {@code exit} names the first {@code exit} instruction. See {@code docs/assembly.md}.
 *
 * <p>Every error is reported, located by line and column, not only the first.
 */
public final class Assembler {
    private Assembler() {}

    /** Assembles {@code source}, or throws with every error found. */
    public static Program assemble(String source) throws AssemblyException {
        List<Diagnostic> diagnostics = new ArrayList<>();
        List<Located> drafts = new ArrayList<>();
        Map<String, Integer> labels = new HashMap<>();
        int pc = 0;
        int firstExit = -1;
        String[] lines = source.split("\r\n|\n|\r", -1);
        LineParser parser = new LineParser();
        for (int i = 0; i < lines.length; i++) {
            int lineNumber = i + 1;
            BpfAsmParser.LineContext tree = parser.parse(lines[i], lineNumber, diagnostics);
            if (tree == null) {
                // The line did not parse: count it as one instruction if it looks like one, so
                // that labels after it keep roughly their place (the result is an error anyway).
                if (!lines[i].isBlank()) {
                    pc++;
                }
                continue;
            }
            if (tree.label != null) {
                String name = tree.label.getText();
                Integer previous = labels.putIfAbsent(name, pc);
                if (previous != null) {
                    diagnostics.add(at(lineNumber, tree.label.getStart(), "duplicate label: " + name));
                }
            }
            if (tree.instruction() == null) {
                continue;
            }
            LineVisitor.Draft draft;
            try {
                draft = new LineVisitor(lineNumber).visit(tree.instruction());
            } catch (LineVisitor.Failure f) {
                diagnostics.add(f.diagnostic());
                pc++;
                continue;
            } catch (IllegalArgumentException e) {
                // An instruction record rejected a combination the visitor let through.
                diagnostics.add(at(lineNumber, tree.instruction().start, e.getMessage()));
                pc++;
                continue;
            }
            if (draft.exit() && firstExit < 0) {
                firstExit = pc;
            }
            drafts.add(new Located(lineNumber, draft, pc));
            pc += draft.slots();
        }
        if (firstExit >= 0) {
            labels.putIfAbsent("exit", firstExit);
        }
        List<Instruction> instructions = new ArrayList<>();
        Map<Integer, Integer> lineAtPc = new HashMap<>();
        for (Located d : drafts) {
            try {
                instructions.add(d.draft().finish().finish(d.pc(), labels));
                lineAtPc.put(d.pc(), d.line());
            } catch (LineVisitor.Failure f) {
                diagnostics.add(f.diagnostic());
            } catch (IllegalArgumentException e) {
                diagnostics.add(new Diagnostic(d.line(), 1, e.getMessage()));
            }
        }
        if (diagnostics.isEmpty() && instructions.isEmpty()) {
            diagnostics.add(new Diagnostic(1, 1, "no instructions assembled"));
        }
        if (diagnostics.isEmpty()) {
            try {
                return Program.of(instructions);
            } catch (InvalidProgramException e) {
                for (IsaError err : e.errors()) {
                    diagnostics.add(new Diagnostic(lineAtPc.getOrDefault(err.pc(), 1), 1, err.message()));
                }
            }
        }
        diagnostics.sort(null);
        throw new AssemblyException(diagnostics);
    }

    private record Located(int line, LineVisitor.Draft draft, int pc) {}

    /**
     * Parses lines one at a time with one lexer and one parser, reused: creating them per line
     * costs more than parsing a typical line.
     */
    private static final class LineParser {
        private final BpfAsmLexer lexer = new BpfAsmLexer(CharStreams.fromString(""));
        private final BpfAsmParser parser = new BpfAsmParser(new CommonTokenStream(lexer));
        private final List<Diagnostic> errors = new ArrayList<>();
        private int lineNumber;
        private final BaseErrorListener listener = new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line,
                    int charPositionInLine, String msg, RecognitionException e) {
                errors.add(new Diagnostic(lineNumber, charPositionInLine + 1, syntaxMessage(offendingSymbol, msg)));
            }
        };

        LineParser() {
            lexer.removeErrorListeners();
            lexer.addErrorListener(listener);
        }

        /** Parses one line; adds its syntax errors to {@code diagnostics} and returns null if there are any. */
        BpfAsmParser.LineContext parse(String text, int line, List<Diagnostic> diagnostics) {
            lineNumber = line;
            errors.clear();
            lexer.setInputStream(CharStreams.fromString(text));
            CommonTokenStream tokens = new CommonTokenStream(lexer);
            // Two-stage parsing: the fast SLL mode decides nearly every line and gives up at the
            // first error, silently; only then is the line parsed again in full LL mode, whose
            // errors are the ones reported.
            parser.setTokenStream(tokens);
            parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
            parser.setErrorHandler(new BailErrorStrategy());
            parser.removeErrorListeners();
            BpfAsmParser.LineContext tree;
            try {
                tree = parser.line();
            } catch (ParseCancellationException e) {
                tokens.seek(0);
                parser.setTokenStream(tokens);
                parser.getInterpreter().setPredictionMode(PredictionMode.LL);
                parser.setErrorHandler(new DefaultErrorStrategy());
                parser.addErrorListener(listener);
                tree = parser.line();
            }
            if (!errors.isEmpty()) {
                // ANTLR may report the same spot twice while recovering; one report per spot is enough.
                errors.stream().distinct().forEach(diagnostics::add);
                return null;
            }
            return tree;
        }
    }

    /**
     * ANTLR's message without its list of every token the grammar would accept there, which for
     * this grammar is long and not helpful.
     */
    private static String syntaxMessage(Object offendingSymbol, String msg) {
        if (offendingSymbol instanceof Token t) {
            String text = t.getType() == Token.EOF ? "end of line" : "'" + t.getText() + "'";
            if (msg.startsWith("missing ")) {
                return "syntax error: " + msg.replace("'<EOF>'", "end of line");
            }
            return "syntax error: unexpected " + text;
        }
        return "syntax error: " + msg;
    }

    static Diagnostic at(int line, Token token, String message) {
        return new Diagnostic(line, token.getCharPositionInLine() + 1, message);
    }
}
