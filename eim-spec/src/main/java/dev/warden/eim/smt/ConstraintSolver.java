package dev.warden.eim.smt;

/**
 * The solver behind EIM policy queries. Integers are mathematical, each name bounded by its C
 * type (docs/eim.md); pointer predicates are uninterpreted with their obvious laws. Every query
 * runs under the time budget the solver was opened with, and a give-up is {@code Unknown}.
 * Close it when done (it owns native solver memory).
 */
public interface ConstraintSolver extends AutoCloseable {

    /** Can all constraints of the alternative hold at once (within the ranges of their types)? */
    SatResult satisfiable(Alternative a);

    /** Does every assignment {@code a} permits satisfy {@code b}? */
    Implication implies(Allowance a, Allowance b);

    /** Can the constraint at {@code index} of {@code a} be false (within type ranges)? False means it always holds. */
    SatResult canFail(Alternative a, int index);

    @Override
    void close();
}
