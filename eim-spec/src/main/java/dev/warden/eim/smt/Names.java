package dev.warden.eim.smt;

import dev.warden.eim.Expr;
import dev.warden.eim.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Solver-level names: argument roots renamed by position ({@code arg0}), and back for display. */
final class Names {
    private static final Pattern ARG = Pattern.compile("\\barg(\\d+)\\b");

    private Names() {}

    static String canonical(Path p, Map<String, String> naming) {
        return rename(p, naming).toString();
    }

    static Path rename(Path p, Map<String, String> naming) {
        return new Path(naming.getOrDefault(p.root(), p.root()), p.steps());
    }

    /** The text of an expression with its roots renamed. */
    static String show(Expr e, Map<String, String> naming) {
        return rename(e, naming).show();
    }

    static Expr rename(Expr e, Map<String, String> n) {
        return switch (e) {
            case Expr.Ref r -> new Expr.Ref(rename(r.path(), n));
            case Expr.SizeOfPath s -> new Expr.SizeOfPath(rename(s.path(), n));
            case Expr.Call c -> new Expr.Call(c.function(), c.arguments().stream().map(x -> rename(x, n)).toList());
            case Expr.Unary u -> new Expr.Unary(u.op(), rename(u.operand(), n));
            case Expr.Binary b -> new Expr.Binary(b.op(), rename(b.left(), n), rename(b.right(), n));
            case Expr.InRange r -> new Expr.InRange(rename(r.operand(), n), rename(r.low(), n), rename(r.high(), n));
            case Expr.IntLit i -> i;
            case Expr.BoolLit b -> b;
            case Expr.Null x -> x;
            case Expr.SizeOfType s -> s;
        };
    }

    /** Replaces {@code argN} by the N-th parameter name of {@code params}. */
    static String display(String solverText, java.util.List<String> params) {
        Matcher m = ARG.matcher(solverText);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            int i = Integer.parseInt(m.group(1));
            m.appendReplacement(sb, Matcher.quoteReplacement(i < params.size() ? params.get(i) : m.group()));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
