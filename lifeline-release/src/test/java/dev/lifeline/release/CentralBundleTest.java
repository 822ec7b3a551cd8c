package dev.lifeline.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.lifeline.testkit.RawBytes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The release profile builds what Maven Central's Publisher Portal takes. Publishing needs keys and
 * an account this project's CI does not have, so the test does all of it but reaching Central: in
 * a copy of the project set to version 0.1.0, {@code mvn -Prelease deploy}, with a key made for
 * this test alone (no passphrase, in a temporary GNUPGHOME), builds the bundle and uploads it to a
 * stand-in for the Portal's upload endpoint on loopback ({@code -DcentralBaseUrl}; the plugin's
 * {@code skipPublishing} skips the bundle too). The test then checks the bundle against Central's
 * published requirements
 * (central.sonatype.org/publish/requirements): for each published jar module the jar, the POM,
 * the sources and Javadoc jars, each with a {@code .asc} signature that {@code gpg --verify}
 * accepts and {@code .md5}/{@code .sha1} checksums that match; the parent POM likewise; and every
 * POM with name, description, url, licences, developers, scm and issue management.
 */
class CentralBundleTest {

    static final Path ROOT = ThirdPartyCheckTest.ROOT;
    static final String VERSION = "0.1.0";
    static final String GROUP_PATH = "dev/lifeline/";
    static final String PARENT = "lifeline-parent";
    /** The published modules with a jar; the parent is published as a POM alone. */
    static final List<String> PUBLISHED_JARS = ThirdPartyCheckTest.PUBLISHED_JARS;
    /** project.build.outputTimestamp in the parent POM: every archive entry carries it. */
    static final LocalDateTime OUTPUT_TIMESTAMP = LocalDateTime.of(2026, 12, 4, 0, 0);

    @TempDir
    Path dir;

    Path gnupgHome;

    @AfterEach
    void stopAgent() throws Exception {
        // gpg started an agent for the temporary GNUPGHOME; end it (and only it).
        if (gnupgHome != null) {
            run(List.of("gpgconf", "--kill", "gpg-agent"), dir, Duration.SHORT);
        }
    }

    enum Duration {
        SHORT(60), BUILD(600);

        final long seconds;

        Duration(long seconds) {
            this.seconds = seconds;
        }
    }

    record Result(int status, String output) {}

    Result run(List<String> command, Path workingDirectory, Duration limit) throws IOException, InterruptedException {
        // The release build's output stays in target/ for a look afterwards; the rest is temporary.
        Path log = limit == Duration.BUILD
                ? Path.of("target/central-bundle-build.log").toAbsolutePath()
                : Files.createTempFile(dir, "command", ".log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        if (gnupgHome != null) {
            builder.environment().put("GNUPGHOME", gnupgHome.toString());
        }
        // The copy is a project of its own, not a part of the build running this test.
        builder.environment().keySet().removeIf(name -> name.startsWith("MAVEN_") && !name.equals("MAVEN_OPTS"));
        // A Maven that runs for a minute or two: the JIT's first tier is enough, and quicker.
        builder.environment().putIfAbsent("MAVEN_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            if (command.getFirst().startsWith("gpg")) {
                fail("CentralBundleTest needs " + command.getFirst() + " (Debian package gnupg) to sign the "
                        + "bundle with a throwaway key, and cannot run it: " + e.getMessage());
            }
            throw e;
        }
        if (!process.waitFor(limit.seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            fail(String.join(" ", command) + " did not end within " + limit.seconds + " s:\n" + tail(log));
        }
        return new Result(process.exitValue(), Files.readString(log));
    }

    static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    Result succeed(List<String> command, Path workingDirectory, Duration limit) throws Exception {
        Result result = run(command, workingDirectory, limit);
        assertThat(result.status()).as("%s\n%s", String.join(" ", command), result.output()).isZero();
        return result;
    }

    /** Makes a signing key for this test alone and returns its fingerprint. */
    String throwawayKey() throws Exception {
        gnupgHome = Files.createDirectory(dir.resolve("gnupg"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        succeed(List.of("gpg", "--batch", "--passphrase", "", "--quick-gen-key",
                "lifeline release test <release-test@lifeline.invalid>", "ed25519", "sign", "1d"), dir, Duration.SHORT);
        String colons = succeed(List.of("gpg", "--batch", "--with-colons", "--list-secret-keys"), dir, Duration.SHORT).output();
        return colons.lines().filter(line -> line.startsWith("fpr:")).findFirst()
                .map(line -> line.split(":")[9])
                .orElseThrow(() -> new AssertionError("no fingerprint in gpg's key list:\n" + colons));
    }

    /** The project's sources, without build output or history, at version {@link #VERSION}. */
    Path copyOfProject() throws IOException {
        Path copy = dir.resolve("project");
        try (Stream<Path> files = Files.walk(ROOT)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path relative = ROOT.relativize(file);
                boolean skipped = false;
                for (Path part : relative) {
                    String name = part.toString();
                    skipped |= name.equals("target") || name.equals(".git") || name.equals(".idea");
                }
                if (skipped) {
                    continue;
                }
                Path target = copy.resolve(relative.toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (Files.isRegularFile(file)) {
                    Files.copy(file, target);
                }
            }
        }
        int poms = 0;
        try (Stream<Path> files = Files.walk(copy)) {
            for (Path pom : files.filter(f -> f.getFileName().toString().equals("pom.xml")).toList()) {
                String text = Files.readString(pom);
                String released = text.replace("<version>0.1.0-SNAPSHOT</version>", "<version>" + VERSION + "</version>");
                assertThat(released).as("%s names no snapshot any more", pom).doesNotContain("SNAPSHOT");
                Files.writeString(pom, released);
                poms += released.equals(text) ? 0 : 1;
            }
        }
        assertThat(poms).as("POMs set to %s", VERSION).isGreaterThanOrEqualTo(PUBLISHED_JARS.size() + 1);
        return copy;
    }

    @Test
    void releaseProfileBuildsASignedBundleThatMeetsCentralsRequirements() throws Exception {
        String fingerprint = throwawayKey();
        Path copy = copyOfProject();

        Path mvn = Path.of(System.getProperty("maven.home"), "bin", "mvn");
        List<Upload> uploads = new CopyOnWriteArrayList<>();
        HttpServer portal = standInPortal(uploads);
        try {
            // Nothing is installed into the shared local repository, no test runs (this build ran
            // them), and THIRD-PARTY was checked by this build's verify.
            succeed(List.of(mvn.toString(), "-B", "-Prelease", "deploy",
                    "-pl", String.join(",", PUBLISHED_JARS), "-am",
                    "-gs", settingsWithCentralServer().toString(),
                    "-DcentralBaseUrl=http://127.0.0.1:" + portal.getAddress().getPort(),
                    "-Dmaven.install.skip=true", "-Dmaven.test.skip=true",
                    "-Dlifeline.third-party.skip=true", "-Dgpg.keyname=" + fingerprint), copy, Duration.BUILD);
        } finally {
            portal.stop(0);
        }

        List<Path> bundles;
        try (Stream<Path> walk = Files.walk(copy)) {
            bundles = walk.filter(f -> f.getFileName().toString().equals("central-bundle.zip")).toList();
        }
        assertThat(bundles).as("the bundle the Publisher Portal takes").hasSize(1);
        Path bundle = bundles.getFirst();
        // Uploaded once, whole, for publishing by hand (autoPublish false), with the token.
        assertThat(uploads).as("uploads to the Portal").hasSize(1);
        Upload upload = uploads.getFirst();
        assertThat(upload.query()).contains("publishingType=USER_MANAGED");
        assertThat(upload.authorization()).isEqualTo("UserToken "
                + java.util.Base64.getEncoder().encodeToString("nobody:nothing".getBytes(StandardCharsets.UTF_8)));
        assertThat(RawBytes.indexOf(upload.body(), Files.readAllBytes(bundle))).as("the bundle in the upload's body").isNotNegative();
        Path unpacked = unzip(bundle, dir.resolve("bundle"));

        // The files Central requires, and nothing else.
        Map<String, List<String>> published = new TreeMap<>();
        published.put(PARENT, List.of(".pom"));
        for (String module : PUBLISHED_JARS) {
            published.put(module, List.of(".pom", ".jar", "-sources.jar", "-javadoc.jar"));
        }
        Set<String> expected = new TreeSet<>();
        List<Path> signed = new ArrayList<>();
        for (var entry : published.entrySet()) {
            String base = GROUP_PATH + entry.getKey() + "/" + VERSION + "/" + entry.getKey() + "-" + VERSION;
            for (String suffix : entry.getValue()) {
                for (String extra : List.of("", ".asc", ".md5", ".sha1")) {
                    expected.add(base + suffix + extra);
                }
                signed.add(unpacked.resolve(base + suffix));
            }
        }
        Set<String> files = new TreeSet<>();
        try (Stream<Path> walk = Files.walk(unpacked)) {
            walk.filter(Files::isRegularFile).forEach(f -> files.add(unpacked.relativize(f).toString()));
        }
        assertThat(files).as("the files in the bundle").isEqualTo(expected);

        for (Path file : signed) {
            // Signed by the key the build was given, and by nothing else.
            Result verify = run(List.of("gpg", "--batch", "--status-fd", "1", "--verify",
                    file + ".asc", file.toString()), dir, Duration.SHORT);
            assertThat(verify.status()).as("gpg --verify %s.asc\n%s", file, verify.output()).isZero();
            assertThat(verify.output()).as("gpg --verify %s.asc", file).contains("[GNUPG:] VALIDSIG " + fingerprint + " ");

            byte[] content = Files.readAllBytes(file);
            for (String algorithm : List.of("MD5", "SHA-1")) {
                String extension = algorithm.equals("MD5") ? ".md5" : ".sha1";
                String hex = HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(content));
                assertThat(Files.readString(Path.of(file + extension)).strip()).as("%s%s", file, extension).isEqualTo(hex);
            }
        }

        // A signature is worth something only if a changed file fails it.
        Path tampered = dir.resolve("tampered.pom");
        Path corePom = unpacked.resolve(GROUP_PATH + "lifeline-core/" + VERSION + "/lifeline-core-" + VERSION + ".pom");
        Files.writeString(tampered, Files.readString(corePom).replace("lifeline-core", "lifeline-c0re"));
        assertThat(run(List.of("gpg", "--batch", "--verify", corePom + ".asc", tampered.toString()), dir, Duration.SHORT).status())
                .as("gpg --verify of a changed POM").isNotZero();

        Element parent = pom(unpacked, PARENT);
        for (String module : published.keySet()) {
            Element pom = pom(unpacked, module);
            assertThat(text(pom, "artifactId")).isEqualTo(module);
            assertThat(text(pom, "version").isEmpty() ? text(child(pom, "parent"), "version") : text(pom, "version"))
                    .as("%s version", module).isEqualTo(VERSION);
            assertThat(text(pom, "name")).as("%s name", module).isNotBlank();
            assertThat(text(pom, "description")).as("%s description", module).isNotBlank();
            assertThat(text(child(pom, "licenses"), "license/name")).as("%s's own licence", module).isEqualTo("Apache-2.0");
            assertThat(text(child(pom, "licenses"), "license/url")).as("%s's own licence", module)
                    .isEqualTo("https://www.apache.org/licenses/LICENSE-2.0.txt");
            // Inherited from the parent POM, which is in the bundle.
            assertThat(text(pom, "url").isEmpty() ? text(parent, "url") : text(pom, "url")).as("%s url", module).isEqualTo("https://github.com/lifeline-dev/lifeline");
            assertThat(text(inherited(pom, parent, "developers"), "developer/name")).as("%s developers", module)
                    .isEqualTo("The lifeline developers");
            Element scm = inherited(pom, parent, "scm");
            assertThat(text(scm, "url")).as("%s scm url", module).isEqualTo("https://github.com/lifeline-dev/lifeline");
            assertThat(text(scm, "connection")).as("%s scm connection", module).startsWith("scm:git:");
            assertThat(text(inherited(pom, parent, "issueManagement"), "url")).as("%s issueManagement", module)
                    .isEqualTo("https://github.com/lifeline-dev/lifeline/issues");
        }
        // JNA, lifeline-core's backend on Java 17 to 21: optional in lifeline-core (nothing comes
        // to users on 22+), a plain dependency of the starter (Boot users on 17 get it), its
        // version managed by the parent POM, which is in the bundle.
        Element coreJna = dependency(child(pom(unpacked, "lifeline-core"), "dependencies"), "net.java.dev.jna", "jna");
        assertThat(text(coreJna, "optional")).as("JNA in lifeline-core's POM").isEqualTo("true");
        assertThat(text(coreJna, "scope")).as("JNA's scope in lifeline-core's POM").isIn("", "compile");
        Element starterJna = dependency(child(pom(unpacked, "lifeline-spring-boot-starter"), "dependencies"), "net.java.dev.jna", "jna");
        assertThat(text(starterJna, "optional")).as("JNA in the starter's POM").isIn("", "false");
        assertThat(text(starterJna, "scope")).as("JNA's scope in the starter's POM").isIn("", "compile");
        Element managedJna = dependency(child(child(parent, "dependencyManagement"), "dependencies"), "net.java.dev.jna", "jna");
        assertThat(text(managedJna, "version")).isEqualTo("${jna.version}");
        assertThat(text(parent, "properties/jna.version")).as("the JNA version the parent POM manages").isEqualTo("5.19.1");

        // Inherited url and scm stay the project's: no artifactId appended for the modules.
        assertThat(parent.getAttribute("child.project.url.inherit.append.path")).isEqualTo("false");
        assertThat(child(parent, "scm").getAttribute("child.scm.url.inherit.append.path")).isEqualTo("false");

        for (String module : PUBLISHED_JARS) {
            String base = GROUP_PATH + module + "/" + VERSION + "/" + module + "-" + VERSION;
            try (ZipFile sources = new ZipFile(unpacked.resolve(base + "-sources.jar").toFile());
                 ZipFile javadoc = new ZipFile(unpacked.resolve(base + "-javadoc.jar").toFile())) {
                assertThat(sources.stream().map(ZipEntry::getName).filter(n -> n.endsWith(".java")))
                        .as("%s-sources.jar", module).isNotEmpty();
                assertThat(javadoc.getEntry("index.html")).as("%s-javadoc.jar index.html", module).isNotNull();
            }
            // Reproducible: every entry of every archive carries project.build.outputTimestamp.
            for (String suffix : List.of(".jar", "-sources.jar", "-javadoc.jar")) {
                try (ZipFile zip = new ZipFile(unpacked.resolve(base + suffix).toFile())) {
                    assertThat(zip.stream().map(ZipEntry::getTimeLocal).distinct())
                            .as("entry times in %s%s", module, suffix).containsExactly(OUTPUT_TIMESTAMP);
                }
            }
        }
    }

    record Upload(String query, String authorization, byte[] body) {}

    /**
     * A stand-in for the two endpoints of the Publisher Portal the plugin calls, on loopback: the
     * upload (answered with a deployment id, as the Portal does) and the status it then polls
     * (answered VALIDATED). It keeps what was uploaded.
     */
    static HttpServer standInPortal(List<Upload> uploads) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/publisher/upload", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                uploads.add(new Upload(String.valueOf(exchange.getRequestURI().getRawQuery()),
                        String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")), body));
                respond(exchange, 201, "text/plain", DEPLOYMENT_ID);
            }
        });
        server.createContext("/api/v1/publisher/status", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                respond(exchange, 200, "application/json", "{\"deploymentId\":\"" + DEPLOYMENT_ID
                        + "\",\"deploymentName\":\"Deployment\",\"deploymentState\":\"VALIDATED\",\"purls\":[]}");
            }
        });
        server.start();
        return server;
    }

    static final String DEPLOYMENT_ID = "28570f16-da32-4c14-bd2e-c1acc0782365";

    static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /**
     * Maven's global settings plus a server {@code central}, whose token the plugin sends to the
     * stand-in Portal. A user's own settings (-s, ~/.m2) are left alone; they never reach Central
     * from here, since the build is pointed at the stand-in.
     */
    Path settingsWithCentralServer() throws Exception {
        Path global = Path.of(System.getProperty("maven.home"), "conf", "settings.xml");
        var factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document settings = factory.newDocumentBuilder().parse(global.toFile());
        Element root = settings.getDocumentElement();
        String ns = root.getNamespaceURI();
        Element servers;
        var existing = root.getElementsByTagNameNS(ns, "servers");
        if (existing.getLength() > 0) {
            servers = (Element) existing.item(0);
        } else {
            servers = (Element) root.appendChild(settings.createElementNS(ns, "servers"));
        }
        Element server = (Element) servers.appendChild(settings.createElementNS(ns, "server"));
        for (String[] field : new String[][] {{"id", "central"}, {"username", "nobody"}, {"password", "nothing"}}) {
            server.appendChild(settings.createElementNS(ns, field[0])).setTextContent(field[1]);
        }
        Path file = dir.resolve("global-settings.xml");
        javax.xml.transform.TransformerFactory.newInstance().newTransformer().transform(
                new javax.xml.transform.dom.DOMSource(settings), new javax.xml.transform.stream.StreamResult(file.toFile()));
        return file;
    }

    static Path unzip(Path zip, Path into) throws IOException {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (ZipEntry entry : file.stream().toList()) {
                Path target = into.resolve(entry.getName()).normalize();
                assertThat(target.startsWith(into)).as("zip entry %s stays inside", entry.getName()).isTrue();
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
        return into;
    }

    static Element pom(Path bundle, String module) throws Exception {
        Path file = bundle.resolve(GROUP_PATH + module + "/" + VERSION + "/" + module + "-" + VERSION + ".pom");
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        return document.getDocumentElement();
    }

    /** The direct child element of that name, or fails. */
    static Element child(Element element, String name) {
        for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child && child.getTagName().equals(name)) {
                return child;
            }
        }
        throw new AssertionError("no <" + name + "> in <" + element.getTagName() + ">");
    }

    /** The {@code <dependency>} of {@code groupId:artifactId} in a {@code <dependencies>}, or fails. */
    static Element dependency(Element dependencies, String groupId, String artifactId) {
        for (Node node = dependencies.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element d && d.getTagName().equals("dependency") && text(d, "groupId").equals(groupId)
                    && text(d, "artifactId").equals(artifactId)) {
                return d;
            }
        }
        throw new AssertionError("no dependency " + groupId + ":" + artifactId + " in <" + dependencies.getTagName() + ">");
    }

    static Element inherited(Element pom, Element parent, String name) {
        for (Node node = pom.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child && child.getTagName().equals(name)) {
                return child;
            }
        }
        return child(parent, name);
    }

    /** The text of a path of direct children ({@code license/name}), "" when the last is absent. */
    static String text(Element element, String path) {
        String[] names = path.split("/");
        Element at = element;
        for (int i = 0; i < names.length - 1; i++) {
            at = child(at, names[i]);
        }
        for (Node node = at.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element child && child.getTagName().equals(names[names.length - 1])) {
                return child.getTextContent().strip();
            }
        }
        return "";
    }
}
