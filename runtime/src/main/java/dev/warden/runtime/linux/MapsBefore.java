package dev.warden.runtime.linux;

/** What the maps hold when a run starts. */
public enum MapsBefore {
    /** Exactly what the input says: every map reset, then the input's entries stored. */
    FROM_INPUT,
    /** Whatever earlier runs left (a counter keeps counting); the input's entries are stored on top. */
    KEPT
}
