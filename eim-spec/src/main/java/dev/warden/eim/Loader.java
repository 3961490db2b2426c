package dev.warden.eim;

import dev.warden.grammar.EimLexer;
import dev.warden.grammar.EimParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

/**
 * Reads a policy file and, recursively, the files it includes (each once; a cycle is an error),
 * then runs the checker over all their declarations.
 */
final class Loader {

    /** Larger included files are refused (guards against including a device or a huge file). */
    static final long MAX_FILE_BYTES = 4 << 20;
    /** Deeper nesting of brackets is refused before parsing (keeps the recursive parser and visitor safe). */
    static final int MAX_NESTING = 256;

    /** One parsed file: its own declarations (including its includes), for the formatter. */
    record ParsedFile(SourceFile source, List<Declaration> declarations,
                      IdentityHashMap<Declaration, Comments> comments, List<String> trailingComments) {}

    private final SourceMap map = new SourceMap();
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private final List<Declaration> all = new ArrayList<>();
    private final Set<String> broken = new HashSet<>();
    private final Set<Path> loaded = new HashSet<>();
    private final List<Path> stack = new ArrayList<>();
    private ParsedFile top;

    /** The result of loading: the checked policy (or not), diagnostics, and the top file as parsed. */
    record Loaded(ParseResult result, ParsedFile top) {}

    static Loaded load(Path file) {
        Loader l = new Loader();
        String display = file.toString();
        SourceFile src;
        try {
            src = read(file, display);
        } catch (IOException | RuntimeException e) {
            Location at = new Location(display, 1, 1, 1, "");
            l.diagnostics.add(new Diagnostic(at, Code.EIM002, "cannot read " + display + ": " + describe(e)));
            return new Loaded(new ParseResult(java.util.Optional.empty(), l.diagnostics, l.map),
                    new ParsedFile(SourceFile.of(display, ""), List.of(), new IdentityHashMap<>(), List.of()));
        }
        return l.run(src, file);
    }

    static Loaded load(String displayName, String text, Path directory) {
        return new Loader().run(SourceFile.of(displayName, text), directory.resolve(displayName));
    }

    private Loaded run(SourceFile src, Path path) {
        top = file(src, path.toAbsolutePath().normalize(), path.getParent() == null ? Path.of("") : path.getParent());
        Location nowhere = new Location(src.displayName(), 1, 1, 1, src.line(1));
        List<Diagnostic> semantic = new ArrayList<>();
        var policy = new Checker(map, broken, semantic::add, nowhere).check(all);
        diagnostics.addAll(semantic);
        return new Loaded(new ParseResult(policy.filter(p -> diagnostics.stream()
                .noneMatch(d -> d.severity() == Severity.ERROR)), sortedByFile(diagnostics), map), top);
    }

    /** Diagnostics of each file in line order, files in the order first reported (stable for equal positions). */
    private static List<Diagnostic> sortedByFile(List<Diagnostic> ds) {
        List<String> files = new ArrayList<>();
        for (Diagnostic d : ds) if (!files.contains(d.location().file())) files.add(d.location().file());
        List<Diagnostic> out = new ArrayList<>(ds);
        out.sort(java.util.Comparator.<Diagnostic>comparingInt(d -> files.indexOf(d.location().file()))
                .thenComparingInt(d -> d.location().line())
                .thenComparingInt(d -> d.location().column()));
        return out;
    }

    private ParsedFile file(SourceFile src, Path absolute, Path displayDir) {
        loaded.add(absolute);
        stack.add(absolute);
        try {
            return parseAndInclude(src, absolute, displayDir);
        } finally {
            stack.removeLast();
        }
    }

    private ParsedFile parseAndInclude(SourceFile src, Path absolute, Path displayDir) {
        EimLexer lexer = new EimLexer(CharStreams.fromString(src.text(), src.displayName()));
        lexer.removeErrorListeners();
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        List<Token> comments = new ArrayList<>();
        int depth = 0;
        for (Token t : tokens.getTokens()) {
            if (t.getChannel() == Token.HIDDEN_CHANNEL) comments.add(t);
            switch (t.getText()) {
                case "(", "[", "{" -> depth++;
                case ")", "]", "}" -> depth--;
                default -> {}
            }
            if (depth > MAX_NESTING) {
                diagnostics.add(new Diagnostic(src.at(t.getLine(), t.getCharPositionInLine(), 1), Code.EIM001,
                        "brackets nested deeper than " + MAX_NESTING + " levels"));
                return new ParsedFile(src, List.of(), new IdentityHashMap<>(), List.of());
            }
        }
        EimParser parser = new EimParser(tokens);
        parser.removeErrorListeners();
        List<Integer> errorTokens = new ArrayList<>();
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> r, Object offending, int line, int col, String msg,
                                    RecognitionException e) {
                int len = 1;
                Location at = src.at(line, col, 1);
                if (offending instanceof Token t) {
                    errorTokens.add(t.getTokenIndex());
                    if (t.getType() != Token.EOF) len = t.getStopIndex() - t.getStartIndex() + 1;
                    at = src.at(line, col, len);
                    // Like C compilers: a token missing at the end of a line is reported there, not
                    // at the first token of the next line.
                    Token prev = previousOnChannel(tokens, t.getTokenIndex());
                    if (prev != null && prev.getLine() < t.getLine()) {
                        int end = prev.getCharPositionInLine() + prev.getStopIndex() - prev.getStartIndex() + 1;
                        at = src.at(prev.getLine(), end, 1);
                    }
                }
                diagnostics.add(new Diagnostic(at, Code.EIM001, shorten(msg)));
            }
        });
        EimParser.PolicyContext tree = parser.policy();
        ModelBuilder.Built built = new ModelBuilder(src, map, diagnostics::add).build(tree, comments, errorTokens);
        broken.addAll(built.brokenNames());
        for (Declaration d : built.declarations()) {
            if (d instanceof Declaration.Include inc) include(inc, src, absolute, displayDir);
            all.add(d);
        }
        return new ParsedFile(src, built.declarations(), built.comments(), built.trailingComments());
    }

    private static Token previousOnChannel(CommonTokenStream tokens, int index) {
        for (int i = index - 1; i >= 0; i--) {
            Token t = tokens.get(i);
            if (t.getChannel() == Token.DEFAULT_CHANNEL) return t;
        }
        return null;
    }

    /** ANTLR's messages, with long "expecting {...}" sets dropped (they list half the grammar). */
    static String shorten(String msg) {
        String m = msg.replace("'<EOF>'", "end of file").replace("at '<EOF>'", "at end of file");
        int i = m.indexOf(" expecting {");
        if (i >= 0 && m.substring(i).chars().filter(c -> c == ',').count() >= 6) m = m.substring(0, i);
        if (m.startsWith("mismatched input ") || m.startsWith("extraneous input ")) {
            m = "unexpected " + m.substring(17).replace(" expecting ", ", expecting ");
        }
        return m;
    }

    private void include(Declaration.Include inc, SourceFile from, Path fromAbsolute, Path displayDir) {
        Location at = map.of(inc, new Location(from.displayName(), 1, 1, 1, ""));
        Path target = fromAbsolute.getParent().resolve(inc.name()).normalize();
        Path display = displayDir.resolve(inc.name()).normalize();
        int i = stack.indexOf(target);
        if (i >= 0) {
            List<String> cycle = new ArrayList<>();
            for (Path p : stack.subList(i, stack.size())) cycle.add(p.getFileName().toString());
            cycle.add(target.getFileName().toString());
            diagnostics.add(new Diagnostic(at, Code.EIM003, "include cycle: " + String.join(" -> ", cycle)));
            return;
        }
        if (loaded.contains(target)) return; // included twice without a cycle: read once
        SourceFile src;
        try {
            src = read(target, display.toString());
        } catch (IOException | RuntimeException e) {
            diagnostics.add(new Diagnostic(at, Code.EIM002, "cannot include \"" + inc.name() + "\": " + describe(e)));
            return;
        }
        file(src, target, display.getParent() == null ? Path.of("") : display.getParent());
    }

    private static SourceFile read(Path file, String display) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(Files.exists(file) ? "not a regular file" : "no such file");
        if (Files.size(file) > MAX_FILE_BYTES) throw new IOException("larger than " + MAX_FILE_BYTES + " bytes");
        byte[] bytes = Files.readAllBytes(file);
        // A binary file would be "parsed" into one error per stray byte, each echoing it: say what it is instead.
        for (byte b : bytes) if (b == 0) throw new IOException("not a text file (it contains NUL bytes)");
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            return SourceFile.of(display, text);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException("not a text file (it is not UTF-8)");
        }
    }

    /** Why a read failed: Java's messages for these are only the path. */
    private static String describe(Exception e) {
        return switch (e) {
            case java.nio.file.NoSuchFileException x -> "no such file";
            case java.nio.file.AccessDeniedException x -> "permission denied";
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
    }
}
