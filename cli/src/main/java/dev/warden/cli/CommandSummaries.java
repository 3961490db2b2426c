package dev.warden.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;

/**
 * The command list of {@code warden --help}: each command with the first sentence of its
 * header or description. picocli shows the first line of a description, and descriptions are wrapped by
 * hand into lines, so that first line usually stops mid-sentence.
 */
final class CommandSummaries {
    private CommandSummaries() {}

    static String render(Help help) {
        Map<String, Help> subcommands = help.subcommands();
        if (subcommands.isEmpty()) return "";
        int nameWidth = subcommands.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        int width = help.commandSpec().usageMessage().width();
        TextTable table = TextTable.forColumns(help.colorScheme(),
                new Column(nameWidth + 2, 2, Column.Overflow.SPAN),
                new Column(Math.max(20, width - nameWidth - 2), 1, Column.Overflow.WRAP));
        for (var e : subcommands.entrySet()) {
            // As picocli does: the header when a command has one (help has), else the description.
            var usage = e.getValue().commandSpec().usageMessage();
            String[] lines = usage.header().length > 0 ? usage.header() : usage.description();
            table.addRowValues(help.colorScheme().commandText(e.getKey()),
                    help.colorScheme().text(firstSentence(String.join(" ", lines).replace("%n", " "))));
        }
        return table.toString();
    }

    /** Up to and including the first full stop that ends a sentence (followed by a space or the end). */
    static String firstSentence(String text) {
        String t = text.strip().replaceAll("\\s+", " ");
        for (int i = 0; i < t.length(); i++) {
            if (t.charAt(i) == '.' && (i + 1 == t.length() || t.charAt(i + 1) == ' ')) return t.substring(0, i + 1);
        }
        return t;
    }
}
