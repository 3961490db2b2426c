package dev.warden.eim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The paper's four examples, pasted in with nothing added: {@code read(ngx_pid)} without a
 * {@code host} declaration and {@code (Request *r)} without a struct are accepted with a warning
 * each, and what they grant is opaque (no byte a verifier can prove in bounds).
 */
class PaperNotationPastesInUnchangedTest {

    private static final Pattern EXAMPLE = Pattern.compile(
            "`((?:State_Capability|Function_Capability|Extension_Entry|Extension_Class)\\(.*?\\))`", Pattern.DOTALL);

    private static String paperExamples() throws IOException {
        Optional<Path> bg = TestFiles.find("shared/design/background.md");
        assumeTrue(bg.isPresent(), "../shared/design/background.md is not available here");
        List<String> examples = new ArrayList<>();
        Matcher m = EXAMPLE.matcher(Files.readString(bg.get()));
        while (m.find()) examples.add(m.group(1).replaceAll("\\s*\\n\\s*", " "));
        assertEquals(4, examples.size(), examples.toString());
        return String.join("\n", examples) + "\n";
    }

    @Test
    void theExamplesAloneCheckWithOneWarningPerUndeclaredLayout() throws IOException {
        ParseResult r = Eim.parse("paper.eim", paperExamples(), Path.of("."));
        assertEquals(List.of(Code.EIM080, Code.EIM081), r.diagnostics().stream().map(Diagnostic::code).toList(),
                r.diagnostics().stream().map(Diagnostic::format).toList().toString());
        assertTrue(r.policy().isPresent());
        Diagnostic host = r.diagnostics().get(0);
        assertTrue(host.message().contains("host variable 'ngx_pid' is not declared"), host.message());
        assertTrue(host.message().contains("grants no byte the verifier can prove in bounds"), host.message());
        assertTrue(host.message().contains("host <type> ngx_pid;"), host.message());
        Diagnostic struct = r.diagnostics().get(1);
        assertTrue(struct.message().contains("struct Request is not declared"), struct.message());
        assertTrue(struct.message().contains("grants no byte the verifier can prove in bounds"), struct.message());
        assertTrue(struct.message().contains("check each access against its layout"), struct.message());
    }

    @Test
    void undeclaredLayoutsGrantOpaqueObjectsByName() throws IOException {
        Policy p = Eim.parse("paper.eim", paperExamples(), Path.of(".")).policy().orElseThrow();
        Grants g = p.grants("observeProcessBegin").orElseThrow();
        assertEquals(List.of(new Span.Opaque("r", "struct Request is not declared")),
                g.arguments().stream().map(Grants.ArgumentGrant::span).toList());
        assertEquals(List.of(new Span.Opaque("&ngx_pid", "host variable ngx_pid is not declared")),
                g.state().stream().map(Grants.StateGrant::span).toList());
        assertEquals(new CType.Void(), g.state().getFirst().type());
        // The layout knows the pointer, not what it points to.
        var layout = p.types().layout();
        assertTrue(layout.isOpaque(new CType.Named("Request")));
        assertEquals(java.util.OptionalLong.empty(), layout.sizeIfKnown(new CType.Named("Request")));
        assertEquals(java.util.OptionalLong.of(8), layout.sizeIfKnown(new CType.Pointer(new CType.Named("Request"))));
        // What a verifier that only knows fixed bytes sees: no byte at all.
        assertEquals(new Region("r", 0, 0), g.arguments().getFirst().region());
        assertEquals(new Region("&ngx_pid", 0, 0), g.state().getFirst().region());
    }

    @Test
    void typosAndUsesThatNeedALayoutAreStillErrors() {
        String src = """
                struct Request { u32 method; };
                host int ngx_pid;
                State_Capability(name = "a", operation = read(ngx_pdi))
                State_Capability(name = "b", operation = read(conf.level))
                State_Capability(name = "c", operation = write(level), constraints = { value < 3 })
                Function_Capability(name = "f", prototype = (Reqest *r) -> int)
                Function_Capability(name = "g", prototype = (Header h) -> int)
                Extension_Entry(name = "e", extension_entry = "h", prototype = (Header *r) -> int)
                Extension_Class(name = "k", extension_entry = "e", allowed = { a, b, c, f, g, read(r->len) })
                """;
        ParseResult r = Eim.parse("typos.eim", src, Path.of("."));
        List<String> got = r.diagnostics().stream().map(d -> d.location().line() + " " + d.code()).toList();
        assertEquals(List.of("3 EIM012", "4 EIM012", "5 EIM012", "6 EIM011", "7 EIM011", "8 EIM081", "9 EIM041"), got,
                r.diagnostics().stream().map(Diagnostic::format).toList().toString());
        assertTrue(r.diagnostics().get(0).message().contains("did you mean 'ngx_pid'?"));
        assertTrue(r.diagnostics().get(3).message().contains("did you mean 'Request'?"));
        assertTrue(r.diagnostics().get(6).message().contains("struct Header is not declared, so it has no field 'len'"));
    }

    @Test
    void aMisspeltCapabilityInAClassNamesTheDeclaredOne() {
        String src = """
                Function_Capability(name = "hostNowMillis", function = "host_now_millis", prototype = (void) -> u64)
                Function_Capability(name = "hostMemoryUsed", function = "host_memory_used", prototype = (void) -> u64)
                Extension_Entry(name = "e", extension_entry = "h", prototype = (void) -> int)
                Extension_Class(name = "k", extension_entry = "e", allowed = { hostNowMilis, hostMemoryUsed, elsewhere })
                """;
        ParseResult r = Eim.parse("typo.eim", src, Path.of("."));
        List<Diagnostic> unknown = r.diagnostics().stream().filter(d -> d.code() == Code.EIM052).toList();
        assertEquals(List.of("unknown capability 'hostNowMilis' (did you mean 'hostNowMillis'?)", "unknown capability 'elsewhere'"),
                unknown.stream().map(Diagnostic::message).toList());
        assertEquals(List.of(4, 4), unknown.stream().map(d -> d.location().line()).toList());
    }

    @Test
    void declaringTheLayoutTurnsTheOpaqueGrantIntoBytes() throws IOException {
        String declared = "struct Request { u32 method; char uri[256]; };\nhost int ngx_pid;\n" + paperExamples();
        ParseResult r = Eim.parse("declared.eim", declared, Path.of("."));
        assertEquals(List.of(), r.diagnostics());
        Grants g = r.policy().orElseThrow().grants("observeProcessBegin").orElseThrow();
        assertEquals(List.of(new Region("r", 0, 260)), g.arguments().stream().map(Grants.ArgumentGrant::region).toList());
        assertEquals(List.of(new Region("&ngx_pid", 0, 4)), g.state().stream().map(Grants.StateGrant::region).toList());
    }
}
