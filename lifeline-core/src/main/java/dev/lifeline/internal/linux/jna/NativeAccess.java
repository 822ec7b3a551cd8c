package dev.lifeline.internal.linux.jna;

import com.sun.jna.Native;
import dev.lifeline.internal.linux.Backends;

/**
 * Whether JNA could bind the C library, and what to tell the user when it could not: decided on
 * the first call, and the same exception for every call after, never a
 * {@code NoClassDefFoundError} of whichever class came second.
 */
final class NativeAccess {
    private NativeAccess() {
    }

    /**
     * Whether JNA and the check's functions could be bound, decided on first use: the failure, or
     * null. Kept, so that every later call reports the same cause.
     */
    static final class Bound {
        static final Throwable FAILURE = bind();
        /** The empty string statx needs, with AT_EMPTY_PATH, to describe a descriptor. */
        static final Block EMPTY = FAILURE == null ? new Block(1) : null;

        private static Throwable bind() {
            try {
                Libc.Check.bind();
                return null;
            } catch (Throwable t) { // LinkageError, or IllegalCallerException where native access is denied
                return t;
            }
        }
    }

    /** Throws, as the one exception every call sees, what kept JNA from binding the C library. */
    static void require() {
        Throwable failure = Bound.FAILURE;
        if (failure != null) {
            throw failure(failure);
        }
    }

    /** {@code Module.isNativeAccessEnabled()} (Java 22) of JNA's module, by reflection: this class is compiled for 17. */
    private static boolean nativeAccessEnabled() {
        try {
            return (Boolean) Module.class.getMethod("isNativeAccessEnabled").invoke(Native.class.getModule());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return true; // unknown: the JDK warns in its own words, if at all
        }
    }

    private static String instruction() {
        Module jna = Native.class.getModule();
        return "lifeline calls the C library through JNA, which needs native access: start the JVM with"
                + " --enable-native-access=" + (jna.isNamed() ? jna.getName() : "ALL-UNNAMED");
    }

    private static RuntimeException failure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IllegalCallerException) {
                return new IllegalCallerException(instruction(), failure);
            }
        }
        if (failure instanceof NoClassDefFoundError && String.valueOf(failure.getMessage()).startsWith("com/sun/jna/")) {
            return new IllegalStateException("lifeline needs JNA on Java 17 to 21: add " + Backends.JNA
                    + " (or newer) to the class path or module path", failure);
        }
        // JNA's native library would not load: an unpacked copy under a noexec directory, say.
        return new IllegalStateException("lifeline cannot call the C library through JNA (" + failure
                + "); if JNA cannot load its native library from where it unpacks it, set jna.tmpdir to a"
                + " directory that allows execution, or jna.boot.library.path to one holding libjnidispatch.so",
                failure);
    }

    /**
     * JNI is restricted from Java 24 (JEP 472), as the FFM API is: JNA's {@code System.load} warns,
     * or fails under {@code --illegal-native-access=deny}. Where JNA's module lacks native access,
     * binds now: a denial is then reported by every call as an {@link IllegalCallerException}
     * naming the option, and a warning by the JDK is followed by lifeline's, naming it too. Below
     * 24, JNI needs no permission and nothing is done here.
     */
    static void warnIfMissing() {
        if (Runtime.version().feature() < 24 || nativeAccessEnabled()) {
            return;
        }
        Throwable failure = Bound.FAILURE;
        if (failure == null) {
            System.getLogger("dev.lifeline").log(System.Logger.Level.WARNING, instruction());
        }
    }
}
