package dev.warden.smt;

/** A named term whose value a counterexample reports. */
public record Witness<V>(String name, V term) {}
