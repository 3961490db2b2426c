package dev.warden.eim;

/** A struct field or a prototype parameter: a name and its type. */
public record Field(String name, CType type) {}
