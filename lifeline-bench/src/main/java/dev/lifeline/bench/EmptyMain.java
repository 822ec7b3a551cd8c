package dev.lifeline.bench;

/** The cost of a JVM that does nothing: the floor under any Java command-line check. */
public final class EmptyMain {
    private EmptyMain() {
    }

    public static void main(String[] args) {
        // returns at once
    }
}
