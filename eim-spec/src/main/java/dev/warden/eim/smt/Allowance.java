package dev.warden.eim.smt;

import java.util.List;

/** What a class allows for one function or one written location: any of its alternatives (a disjunction). */
public record Allowance(List<Alternative> alternatives) {
    public Allowance {
        alternatives = List.copyOf(alternatives);
    }
}
