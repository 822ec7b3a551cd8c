package dev.lifeline.internal;

import java.lang.reflect.InvocationTargetException;
import java.util.Locale;

/**
 * Holds the one {@link Platform} of this JVM, decided when first needed, as Elasticsearch's
 * {@code NativeAccessHolder} and Netty's {@code Epoll.isAvailable()} do. The backend is named by
 * its class name, relative to this package, so that nothing outside it refers to its package
 * (a relocated copy, such as the agent's shaded one, finds its own).
 */
final class Platforms {
    static final Platform CURRENT = choose();

    private Platforms() {
    }

    /**
     * Never throws: an exception here would surface once as an ExceptionInInitializerError and as a
     * bare NoClassDefFoundError ever after, instead of a clear message every time.
     */
    private static Platform choose() {
        String os = System.getProperty("os.name", "?");
        String arch = System.getProperty("os.arch", "?").toLowerCase(Locale.ROOT);
        boolean linux = os.equals("Linux") && switch (arch) {
            case "amd64", "x86_64", "aarch64", "arm64" -> true;
            default -> false;
        };
        String unsupported = "lifeline supports Linux on x86_64 and aarch64; this is " + System.getProperty("os.name")
                + " on " + System.getProperty("os.arch");
        if (!linux) {
            return new UnsupportedPlatform(unsupported);
        }
        String backend = Platforms.class.getPackageName() + ".linux.LinuxPlatform";
        try {
            return (Platform) Class.forName(backend).getDeclaredConstructor().newInstance();
        } catch (InvocationTargetException e) {
            // The backend's own refusal (JNA missing on Java 17 to 21) already says what to do.
            return new UnsupportedPlatform(e.getCause() instanceof UnsupportedOperationException u
                    ? u.getMessage() : unsupported + " (its backend could not be loaded: " + e.getCause() + ")");
        } catch (ReflectiveOperationException | LinkageError e) {
            return new UnsupportedPlatform(unsupported + " (its backend could not be loaded: " + e + ")");
        }
    }
}
