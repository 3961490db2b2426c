package dev.warden.runtime.linux;

/** How the survey draws a program's inputs. */
public enum InputSearch {
    /** Directed random inputs ({@link RandomInputs#nextFor}), each independent of what earlier runs reached. */
    RANDOM,
    /** Coverage-guided inputs ({@link GuidedInputs}): mutations of inputs that reached new branch edges. */
    GUIDED
}
