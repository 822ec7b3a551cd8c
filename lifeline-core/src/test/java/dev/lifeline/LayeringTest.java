package dev.lifeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture, read from the compiled classes' constant pools (every class, method and field
 * a class refers to is named there): the public API reaches native code only through the seam
 * ({@code dev.lifeline.internal}); only the FFM backend touches {@code java.lang.foreign}, only
 * the JNA backend touches JNA, and nothing names either backend but by a string, when it is chosen.
 *
 * <pre>
 * dev.lifeline                     public API     may use: internal
 * dev.lifeline.internal            the seam       may use: nothing of lifeline's
 * dev.lifeline.internal.posix      FIFO protocol  may use: internal
 * dev.lifeline.internal.linux      Linux logic    may use: internal, internal.posix
 * dev.lifeline.internal.linux.ffm  FFM backend    may use: the above, java.lang.foreign
 * dev.lifeline.internal.linux.jna  JNA backend    may use: the above, com.sun.jna
 * dev.lifeline.internal.linux.jdk  the check's calls through the JDK's own natives, the rest
 *                                  through the backend it wraps; may use: the linux package,
 *                                  sun.nio.fs by reflection, never FFM or JNA
 * </pre>
 */
class LayeringTest {
    private static final String PUBLIC = "dev/lifeline/";
    private static final String SEAM = "dev/lifeline/internal/";
    private static final String POSIX = "dev/lifeline/internal/posix/";
    private static final String LINUX = "dev/lifeline/internal/linux/";
    private static final String FFM = "dev/lifeline/internal/linux/ffm/";
    private static final String JNA = "dev/lifeline/internal/linux/jna/";
    private static final String JDK = "dev/lifeline/internal/linux/jdk/";
    private static final String JDK_FS = "sun.nio.fs.";
    private static final String FOREIGN = "java/lang/foreign/";
    private static final String JNA_API = "com/sun/jna/";

    /** Each class of lifeline-core (internal name) with the strings of its constant pool. */
    private static final Map<String, List<String>> CLASSES = new TreeMap<>();
    /** Each class's class-file major version: 61 is Java 17's, 66 Java 22's. */
    private static final Map<String, Integer> VERSIONS = new TreeMap<>();

    @BeforeAll
    static void readClasses() throws IOException {
        Path root = Path.of(Probe.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('\\', '/');
                name = name.substring(0, name.length() - ".class".length());
                try (InputStream in = Files.newInputStream(file)) {
                    DataInputStream data = new DataInputStream(in);
                    if (data.readInt() != 0xCAFEBABE) {
                        throw new IOException("not a class file: " + file);
                    }
                    data.readUnsignedShort();
                    VERSIONS.put(name, data.readUnsignedShort());
                    CLASSES.put(name, utf8Constants(data));
                }
            }
        }
        assertThat(CLASSES).containsKeys("dev/lifeline/Probe", "dev/lifeline/internal/Platform",
                "dev/lifeline/internal/posix/FifoProbe", "dev/lifeline/internal/linux/LinuxPlatform",
                "dev/lifeline/internal/linux/ffm/FfmCalls");
    }

    @Test
    void onlyTheFfmBackendTouchesTheForeignFunctionApi() {
        assertThat(offenders(c -> !c.startsWith(FFM), FOREIGN)).isEmpty();
        assertThat(offenders(c -> c.startsWith(FFM), FOREIGN)).as("the backend is where FFM lives").isNotEmpty();
    }

    @Test
    void onlyTheJnaBackendTouchesJna() {
        assertThat(offenders(c -> !c.startsWith(JNA), JNA_API)).isEmpty();
    }

    /**
     * The base runs on Java 17, so every class of it is compiled for 17; the FFM backend, whose API
     * is final from 22, is compiled for 22 and loaded only there ({@code Backends}).
     */
    @Test
    void everyClassButTheFfmBackendsLoadsOnJava17() {
        List<String> newer = new ArrayList<>();
        VERSIONS.forEach((c, major) -> {
            if (!c.startsWith(FFM) && major > 61) {
                newer.add(c + " (class file " + major + ")");
            }
        });
        assertThat(newer).isEmpty();
        assertThat(VERSIONS).hasEntrySatisfying("dev/lifeline/internal/linux/ffm/FfmCalls", v -> assertThat(v).isEqualTo(66));
        assertThat(VERSIONS).hasEntrySatisfying("dev/lifeline/Probe", v -> assertThat(v).isEqualTo(61));
    }

    @Test
    void nothingOutsideABackendRefersToIt() {
        assertThat(offenders(c -> !c.startsWith(FFM), FFM)).isEmpty();
        assertThat(offenders(c -> !c.startsWith(JNA), JNA)).isEmpty();
        assertThat(offenders(c -> !c.startsWith(JDK), JDK)).isEmpty();
    }

    /** Only the jdk package names the JDK's internals, and it wraps a backend without naming either. */
    @Test
    void onlyTheJdkPackageReachesTheJdksFileSystemInternals() {
        assertThat(offenders(c -> !c.startsWith(JDK), JDK_FS)).isEmpty();
        assertThat(offenders(c -> c.startsWith(JDK), JDK_FS)).as("where the JDK's natives are named").isNotEmpty();
        assertThat(offenders(c -> c.startsWith(JDK), FOREIGN)).isEmpty();
        assertThat(offenders(c -> c.startsWith(JDK), JNA_API)).isEmpty();
        assertThat(offenders(c -> c.startsWith(JDK), FFM)).isEmpty();
        assertThat(offenders(c -> c.startsWith(JDK), JNA)).isEmpty();
    }

    @Test
    void nothingOutsideTheLinuxPackagesRefersToThem() {
        assertThat(offenders(c -> !c.startsWith(LINUX), LINUX)).isEmpty();
    }

    @Test
    void theBackendsShareNothingButTheLinuxContract() {
        assertThat(offenders(c -> c.startsWith(FFM), JNA)).isEmpty();
        assertThat(offenders(c -> c.startsWith(JNA), FFM)).isEmpty();
    }

    @Test
    void thePublicApiReachesTheNativeLayerOnlyThroughTheSeam() {
        assertThat(offenders(LayeringTest::isPublic, POSIX)).isEmpty();
    }

    @Test
    void theInternalPackagesNeverReferToThePublicApi() {
        List<String> offenders = new ArrayList<>();
        CLASSES.forEach((c, strings) -> {
            if (c.startsWith(SEAM)) {
                strings.stream().filter(LayeringTest::namesPublicClass).forEach(s -> offenders.add(c + " -> " + s));
            }
        });
        assertThat(offenders).isEmpty();
    }

    @Test
    void theSeamNamesNoBackend() {
        assertThat(offenders(c -> c.startsWith(SEAM) && c.indexOf('/', SEAM.length()) < 0, POSIX)).isEmpty();
    }

    private static boolean isPublic(String c) {
        return c.startsWith(PUBLIC) && c.indexOf('/', PUBLIC.length()) < 0;
    }

    /** Whether a constant names a class of the public package: {@code dev/lifeline/X}, X a class. */
    private static boolean namesPublicClass(String constant) {
        int at = constant.indexOf(PUBLIC);
        while (at >= 0) {
            int end = at + PUBLIC.length();
            if (end < constant.length() && Character.isUpperCase(constant.charAt(end))) {
                return true;
            }
            at = constant.indexOf(PUBLIC, end);
        }
        return false;
    }

    private static List<String> offenders(java.util.function.Predicate<String> which, String prefix) {
        List<String> offenders = new ArrayList<>();
        CLASSES.forEach((c, strings) -> {
            if (which.test(c)) {
                strings.stream().filter(s -> s.contains(prefix)).forEach(s -> offenders.add(c + " -> " + s));
            }
        });
        return offenders;
    }

    /** The CONSTANT_Utf8 entries of a class file (JVMS 4.4), read from just after its version. */
    private static List<String> utf8Constants(DataInputStream in) throws IOException {
        int count = in.readUnsignedShort();
        List<String> strings = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> strings.add(in.readUTF());
                case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                case 15 -> in.skipBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                case 5, 6 -> {
                    in.skipBytes(8);
                    i++; // a long or double takes two entries
                }
                default -> throw new IOException("constant pool tag " + tag);
            }
        }
        return strings;
    }
}
