package dev.warden.isa.cfg;

/** An edge between two basic blocks, by block id. */
public record Edge(int from, int to) {}
