package dev.warden.verifier;

/** How termination is established. */
public enum Termination {
    /** Every loop is proved bounded and the executed instruction count stays under the limit. */
    PROOF,
    /** KFlex mode: loops are allowed; every back edge is a cancellation point the runtime checks. */
    RUNTIME
}
