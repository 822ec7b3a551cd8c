package dev.lifeline.agent;

import dev.lifeline.Beacon;
import dev.lifeline.BeaconException;
import dev.lifeline.BeaconOption;
import dev.lifeline.Lifeline;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Holds the agent's beacon from start-up until the JVM ends, and beats it while {@link Health}
 * finds the JVM well. Runs in the agent's own module layer (see {@link Agent}).
 *
 * <p>A clean end of the JVM ({@code System.exit}, the last non-daemon thread ending, SIGTERM,
 * SIGINT) runs a shutdown hook that closes the beacon, which removes the FIFO: probes say ABSENT.
 * A crash or SIGKILL leaves the FIFO with no holder: DEAD. That is {@link Beacon}'s own contract.
 */
public final class Holder {
    private static final Object LOCK = new Object();
    private static Beacon beacon; // guarded by LOCK
    private static boolean shuttingDown; // guarded by LOCK

    private Holder() {
    }

    /**
     * Holds the beacon the options name, and starts the heartbeat thread if they ask for one.
     *
     * @param arguments the agent's option string
     * @return null once held, or if the JVM began to shut down first; otherwise why not, in one line
     */
    public static String hold(String arguments) {
        grantNativeAccess();
        AgentOptions options;
        try {
            options = AgentOptions.parse(arguments);
        } catch (IllegalArgumentException e) {
            return "bad options '" + arguments + "': " + e.getMessage();
        }
        Path path;
        try {
            path = Lifeline.beaconPath(options.path());
        } catch (RuntimeException e) {
            return "bad beacon path '" + options.path() + "': " + e.getMessage();
        }
        Health health = null;
        if (options.heartbeat() != null) {
            try {
                health = new Health(options.heartbeat(), options.gcOverhead() / 100.0);
            } catch (LinkageError e) {
                return "heartbeat needs the module java.management, which this JVM lacks (" + e + ")";
            }
        }
        try {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("lifeline-agent shutdown").unstarted(Holder::release));
        } catch (IllegalStateException shutdownUnderWay) {
            return null; // the JVM ends before the agent got going (a main that returns at once): nothing to hold, nothing to say
        }
        Beacon held;
        synchronized (LOCK) {
            if (shuttingDown) {
                return null; // as above
            }
            try {
                if (Lifeline.isBareName(options.path())) {
                    Lifeline.createDefaultDirectoryFor(path);
                }
                BeaconOption[] flags = options.exclusive() ? new BeaconOption[] {BeaconOption.EXCLUSIVE} : new BeaconOption[0];
                held = Beacon.open(path, permissions(options.mode()), flags);
            } catch (BeaconException e) {
                return "cannot hold " + e.getMessage() + " [" + e.fault() + "]";
            } catch (IOException e) {
                return "cannot hold " + path + ": " + e;
            } catch (RuntimeException e) {
                return "cannot hold " + path + ": " + e.getMessage();
            }
            beacon = held;
        }
        if (health != null) {
            Health judge = health;
            Thread.ofPlatform().daemon().name("lifeline-agent heartbeat " + path)
                    .start(() -> beat(held, options.heartbeat(), judge));
        }
        return null;
    }

    /**
     * Beats every third of {@code promise} while the JVM is well. The first beat is made at once.
     * After a stall (the process stopped, a long pause) the schedule restarts from now rather than
     * catching up with a burst of beats.
     */
    private static void beat(Beacon beacon, Duration promise, Health health) {
        long period = promise.toNanos() / 3;
        long next = System.nanoTime();
        String lastFailure = null;
        while (beacon.isOpen()) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(wait));
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            next += period;
            if (System.nanoTime() - next > period) {
                next = System.nanoTime() + period;
            }
            try {
                if (health.check() != null) {
                    continue; // not well: no beat, the promise runs out, probes say HUNG
                }
                beacon.beat(promise);
                lastFailure = null;
            } catch (OutOfMemoryError e) {
                continue; // not well either: no beat this time, and no stack trace on stderr
            } catch (IllegalStateException closed) {
                return;
            } catch (BeaconException e) {
                String failure = e.getMessage();
                if (!failure.equals(lastFailure)) {
                    System.err.println("lifeline-agent: cannot beat: " + failure);
                    lastFailure = failure;
                }
            }
        }
    }

    /** The shutdown hook: lets go of the beacon, which removes the FIFO. */
    private static void release() {
        synchronized (LOCK) {
            shuttingDown = true;
            if (beacon != null) {
                beacon.close();
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
        for (int i = 0; i < 9; i++) {
            if ((mode & (0400 >> i)) != 0) {
                permissions.add(bits[i]);
            }
        }
        return permissions;
    }

    /**
     * Grants native access to the agent's own module, where the JDK let {@link Agent} open
     * {@code java.lang} to it: {@code Module.implAddEnableNativeAccess}, the step that
     * {@code --enable-native-access=MODULE} and {@code ModuleLayer.Controller.enableNativeAccess}
     * take. On a class path copy (no named module) or a JDK without that method, nothing is
     * granted and the JDK warns once, as it would for any library.
     */
    static void grantNativeAccess() {
        Module module = Holder.class.getModule();
        if (!module.isNamed() || module.isNativeAccessEnabled()) {
            return;
        }
        try {
            Method grant = Module.class.getDeclaredMethod("implAddEnableNativeAccess");
            grant.setAccessible(true);
            grant.invoke(module);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not granted: the JDK prints its restricted-method warning when lifeline-core links
        }
    }
}
