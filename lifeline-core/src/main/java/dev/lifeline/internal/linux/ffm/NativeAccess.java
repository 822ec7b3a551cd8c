package dev.lifeline.internal.linux.ffm;

import dev.lifeline.internal.linux.Abi;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;

/**
 * Whether this module may call native code, and what to tell the user when it may not. Decided
 * once, before the first call links anything: a link refused under
 * {@code --illegal-native-access=deny} (the JDK's announced future default) would otherwise
 * surface as an error of whatever class happened to link first, with this explanation two causes
 * down.
 */
final class NativeAccess {
    private static final Module MODULE = NativeAccess.class.getModule();

    private NativeAccess() {
    }

    /** The exact JVM option that grants lifeline native access where it runs now. */
    static String option() {
        return "--enable-native-access=" + (MODULE.isNamed() ? MODULE.getName() : "ALL-UNNAMED");
    }

    static String instruction() {
        // A manifest attribute grants access only to the unnamed module of an executable jar.
        return "lifeline calls the C library through java.lang.foreign and needs native access:"
                + " start the JVM with " + option()
                + (MODULE.isNamed() ? "" : " (or, for an executable jar, add 'Enable-Native-Access: ALL-UNNAMED' to its manifest)");
    }

    /** Warns once, in lifeline's words, before the JDK's own generic warning. */
    static void warnIfMissing() {
        if (!MODULE.isNativeAccessEnabled() && !Denied.DENIED) {
            System.getLogger("dev.lifeline").log(System.Logger.Level.WARNING, instruction());
        }
    }

    /**
     * Throws, as the one exception a caller sees, when the JVM refuses this module native access.
     * Costs a read of a constant once decided.
     *
     * @throws IllegalCallerException naming the option to add
     */
    static void require() {
        if (Denied.DENIED) {
            throw new IllegalCallerException(instruction());
        }
    }

    /** Holds the decision: one trial link, made only where access was not granted outright. */
    private static final class Denied {
        static final boolean DENIED = !MODULE.isNativeAccessEnabled() && refused();

        private static boolean refused() {
            Linker linker = Linker.nativeLinker();
            try {
                linker.downcallHandle(linker.defaultLookup().find("getpid").orElseThrow(), FunctionDescriptor.ofVoid());
                return false;
            } catch (IllegalCallerException denied) {
                return true;
            }
        }
    }
}
