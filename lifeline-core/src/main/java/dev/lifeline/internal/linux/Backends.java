package dev.lifeline.internal.linux;

import java.util.function.Supplier;

/**
 * Chooses, once, how lifeline reaches the C library: the FFM API on Java 22 and newer (nothing to
 * add), JNA on Java 17 to 21 (the user adds JNA). The choice is made from the running JVM's
 * version before either backend's class is loaded, so on 22 and newer no class of JNA is ever
 * loaded, even with JNA on the class path, and below 22 no class compiled for 22 is. The system
 * property {@code lifeline.backend} ({@code ffm} or {@code jna}) forces one: for the tests and the
 * benchmark, which run the JNA backend on Java 25 side by side with FFM.
 *
 * <p>{@code lifeline.backend=jdk} asks for the default backend wrapped in {@code jdk.JdkCalls},
 * which makes a check's calls through the JDK's own natives: the lifeline command's check, status
 * and wait pass it, with what it needs, to start faster. Where the JDK's natives cannot be had, the
 * default backend serves alone.
 *
 * <p>Each backend is named by its class name relative to this package, so that a relocated copy
 * (the agent's shaded one) finds its own.
 */
public final class Backends {
    /** The JNA lifeline is built and tested with; also in the parent POM, where a test compares the two. */
    public static final String JNA = "net.java.dev.jna:jna:5.19.1";
    static final String PROPERTY = "lifeline.backend";

    private Backends() {
    }

    /**
     * @throws UnsupportedOperationException saying what to add or change, when no backend serves
     */
    static LinuxCalls choose() {
        int java = Runtime.version().feature();
        String forced = System.getProperty(PROPERTY, "");
        String name = switch (forced) {
            case "", "jdk" -> java >= 22 ? "ffm" : "jna";
            case "ffm", "jna" -> forced;
            default -> throw new UnsupportedOperationException(
                    "lifeline: the system property " + PROPERTY + " must be ffm, jna or jdk, not '" + forced + "'");
        };
        requireUsable(name, java);
        if (!forced.equals("jdk")) {
            return load(name);
        }
        try {
            // The default backend is made only when a call needs it: a check never does, and making
            // the FFM one would start the FFM machinery, which costs a command milliseconds.
            Supplier<LinuxCalls> other = () -> load(name);
            return (LinuxCalls) Class.forName(Backends.class.getPackageName() + ".jdk.JdkCalls")
                    .getDeclaredConstructor(Supplier.class).newInstance(other);
        } catch (ReflectiveOperationException | LinkageError e) {
            // The JDK's natives cannot be had here (no --add-opens, or another JDK's shapes): the
            // default backend answers alone, as well, only slower to start. The lifeline command's
            // tests fail the build if that happens on the runtime it ships.
            return load(name);
        }
    }

    /** @throws UnsupportedOperationException saying what to add or change, if {@code name} cannot serve */
    private static void requireUsable(String name, int java) {
        if (name.equals("ffm") && java < 22) {
            throw new UnsupportedOperationException("lifeline: its FFM backend needs Java 22 or newer; this is Java " + java);
        }
        if (name.equals("jna") && !present("com.sun.jna.Native")) {
            throw new UnsupportedOperationException("lifeline needs JNA on Java " + java + " (Java 17 to 21 reach the C"
                    + " library through it; 22 and newer need nothing): add " + JNA + " to the class path, e.g."
                    + " Maven <dependency><groupId>net.java.dev.jna</groupId><artifactId>jna</artifactId>"
                    + "<version>5.19.1</version></dependency>, or Gradle implementation(\"" + JNA + "\")");
        }
    }

    private static LinuxCalls load(String name) {
        String backend = Backends.class.getPackageName() + "." + name + "." + (name.equals("ffm") ? "FfmCalls" : "JnaCalls");
        try {
            return (LinuxCalls) Class.forName(backend).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new UnsupportedOperationException("lifeline: its " + name + " backend could not be loaded: " + cause, cause);
        } catch (LinkageError e) {
            throw new UnsupportedOperationException("lifeline: its " + name + " backend could not be loaded: " + e, e);
        }
    }

    static String name(LinuxCalls calls) {
        String backend = calls.getClass().getPackageName();
        return backend.substring(backend.lastIndexOf('.') + 1);
    }

    /** Whether {@code className} can be found, without initialising it (JNA unpacks its native library then). */
    private static boolean present(String className) {
        try {
            Class.forName(className, false, Backends.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
