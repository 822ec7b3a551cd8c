package dev.lifeline.agent;

import java.lang.instrument.Instrumentation;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * The entry point of {@code -javaagent:lifeline-agent.jar=PATH[,...]}: holds a beacon for the life
 * of the JVM, and with {@code heartbeat=D} beats it only while the JVM is well (see
 * {@code Holder}). It never touches a class of the application (no {@code ClassFileTransformer})
 * and never stops it, except under {@code exclusive}: a beacon that cannot be held then ends the
 * JVM with {@link #EXIT_NOT_HELD}.
 *
 * <p><b>Its own module layer.</b> A {@code -javaagent} jar is loaded by the system class loader,
 * in the unnamed module, beside the application. JDK 25 honours {@code Enable-Native-Access} only
 * in the manifest of the jar that {@code java -jar} runs, not in an agent's, so lifeline-core's
 * calls through {@code java.lang.foreign} would make the JDK print its restricted-method warning,
 * and the only flag that silences it, {@code --enable-native-access=ALL-UNNAMED}, grants native
 * access to the whole class path. Instead this class loads the agent jar a second time as a
 * named module, {@value #MODULE}, in a module layer of its own (its class loader's parent is the
 * platform loader: no class of the application is visible to it, nor it to them), opens
 * {@code java.lang} to that one module through {@link Instrumentation#redefineModule}, and the
 * module grants native access to itself ({@code Holder.grantNativeAccess}). Where the JDK refuses
 * any of this, the agent still holds its beacon and the JDK prints its usual warning.
 *
 * <p>lifeline-core inside the jar is relocated to {@code dev.lifeline.agent.shaded}: an application
 * with lifeline-core of its own, on the class path or the module path, never meets the agent's
 * copy.
 */
public final class Agent {
    /**
     * The exit status of a JVM whose agent was asked for {@code exclusive} and could not hold the
     * beacon, whatever the reason: another process holds it (the single-instance guard at work),
     * bad options, or a refusal (missing directory, unsafe directory, ...). 75 is
     * {@code EX_TEMPFAIL} of sysexits.h: systemd's {@code RestartPreventExitStatus=75} keeps a
     * second instance from being restarted in a loop.
     */
    public static final int EXIT_NOT_HELD = 75;

    /** Named, not referenced: this class is compiled for Java 17, Holder for 22. */
    private static final String HOLDER = "dev.lifeline.agent.Holder";

    /** The name of the agent's own module, in its own layer. */
    static final String MODULE = "dev.lifeline.agent";

    private Agent() {
    }

    /**
     * Called by the JVM before the application's {@code main}. Starts the agent's daemon thread,
     * which holds the beacon; waits for it only under {@code exclusive}, which must decide before
     * the application runs.
     */
    public static void premain(String arguments, Instrumentation instrumentation) {
        boolean exclusive = AgentOptions.asksExclusive(arguments);
        int feature = Runtime.version().feature();
        if (feature < 22) {
            // This class and AgentOptions are compiled for Java 17, so that an older JVM hears
            // this instead of aborting on a class it cannot load.
            String why = "needs Java 22 or newer (java.lang.foreign), this is Java " + feature
                    + (feature >= 17 ? " (Java 17 awaits lifeline-core's JNA backend)" : "");
            if (exclusive) {
                System.err.println("lifeline-agent: " + why + "; exclusive was asked, so the JVM exits with status " + EXIT_NOT_HELD);
                System.exit(EXIT_NOT_HELD);
            }
            System.err.println("lifeline-agent: " + why + "; the application runs on without a beacon");
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        String[] failure = new String[1];
        Thread thread = new Thread(() -> {
            try {
                failure[0] = start(arguments, instrumentation);
            } catch (Throwable t) {
                failure[0] = "unexpected failure: " + t;
            } finally {
                done.countDown();
            }
            if (failure[0] != null && !exclusive) {
                System.err.println("lifeline-agent: " + failure[0] + "; the application runs on without a beacon");
            }
        }, "lifeline-agent");
        thread.setDaemon(true);
        thread.start();
        if (!exclusive) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure[0] != null) {
            System.err.println("lifeline-agent: " + failure[0] + "; exclusive was asked, so the JVM exits with status "
                    + EXIT_NOT_HELD);
            System.exit(EXIT_NOT_HELD);
        }
    }

    /** Parses, builds the layer, holds; returns why it could not, or null once held. */
    private static String start(String arguments, Instrumentation instrumentation) throws ReflectiveOperationException {
        try {
            AgentOptions.parse(arguments);
        } catch (IllegalArgumentException e) {
            return "bad options '" + arguments + "': " + e.getMessage();
        }
        Class<?> holder = layerClass(instrumentation);
        try {
            return (String) holder.getMethod("hold", String.class).invoke(null, arguments);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * {@code Holder} as loaded in the agent's own layer, with native access granted there; or, if
     * the layer cannot be made (a JVM without {@code java.management} in its boot layer, a
     * file system that the jar cannot be read from again), the class path's own copy, where the
     * JDK will warn about native access.
     */
    private static Class<?> layerClass(Instrumentation instrumentation) throws ClassNotFoundException {
        try {
            Path jar = Path.of(Agent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            ModuleLayer boot = ModuleLayer.boot();
            if (boot.findModule("java.management").isEmpty()) {
                throw new IllegalStateException("java.management is not in the boot layer");
            }
            Configuration configuration = boot.configuration().resolve(ModuleFinder.of(jar), ModuleFinder.of(), Set.of(MODULE));
            ModuleLayer layer = boot.defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
            Module module = layer.findModule(MODULE).orElseThrow();
            Module base = Object.class.getModule();
            if (instrumentation.isModifiableModule(base)) {
                instrumentation.redefineModule(base, Set.of(), Map.of(), Map.of("java.lang", Set.of(module)), Set.of(), Map.of());
            }
            return layer.findLoader(MODULE).loadClass(HOLDER);
        } catch (Exception | LinkageError e) {
            return Class.forName(HOLDER);
        }
    }
}
