package dev.lifeline.internal.posix;

/** Whether this module may call native code, and what to tell the user when it may not. */
final class NativeAccess {
    private static final Module MODULE = NativeAccess.class.getModule();

    private NativeAccess() {
    }

    /** The exact JVM option that grants lifeline native access where it runs now. */
    static String option() {
        return "--enable-native-access=" + (MODULE.isNamed() ? MODULE.getName() : "ALL-UNNAMED");
    }

    static String instruction() {
        return "lifeline calls the C library through java.lang.foreign and needs native access:"
                + " start the JVM with " + option()
                + " (or, for an executable jar, add 'Enable-Native-Access: ALL-UNNAMED' to its manifest)";
    }

    /** Warns once, in lifeline's words, before the JDK's own generic warning. */
    static void warnIfMissing() {
        if (!MODULE.isNativeAccessEnabled()) {
            System.getLogger("dev.lifeline").log(System.Logger.Level.WARNING, instruction());
        }
    }
}
