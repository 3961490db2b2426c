package dev.warden.vm;

/**
 * A {@link Helper} that runs program code on the calling run's instruction budget (a tail call
 * whose target takes a subprogram's place): engines publish the budget left before calling it
 * ({@link Memory#budgetLeft}) and take back what it leaves ({@link Memory#setBudgetLeft}), and
 * treat a {@link FunctionReturn} it throws as the calling function's {@code exit}.
 */
@FunctionalInterface
public interface BudgetedHelper extends Helper {
}
