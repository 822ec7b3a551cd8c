package dev.lifeline.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.lifeline.testkit.Running;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .deb the dist build wrote: Debian's own checker (lintian) finds no error, and a real
 * {@code dpkg -i} installs a command that runs without any JDK, whose manual page man finds and
 * whose systemd unit systemd-analyze accepts; {@code dpkg -r} then {@code dpkg -P} leave none of its
 * files. Installing needs root: run as another user the test fails, saying so (CI runs as root).
 */
class DebIT {
    @TempDir
    Path dir;

    static Path deb() {
        Path deb = Proc.DIST.resolve("lifeline_" + Proc.VERSION.replace('-', '~') + "-1_amd64.deb");
        assertThat(deb).as("the dist build's .deb").isRegularFile();
        return deb;
    }

    @Test
    void lintianFindsNoError() throws Exception {
        Running.Result lintian = Proc.run(List.of("lintian", "--fail-on", "error,warning", deb().toString()));
        assertThat(lintian.exitCode()).as(lintian.toString()).isZero();
        assertThat(lintian.stdout().lines().filter(l -> l.startsWith("E:") || l.startsWith("W:")).toList())
                .as(lintian.toString()).isEmpty();
    }

    @Test
    void installsRunsWithoutAJdkAndRemovesWithoutATrace() throws Exception {
        String user = Proc.ok("id", "-u").strip();
        if (!user.equals("0")) {
            fail("DebIT installs the .deb with dpkg -i, which needs root; this run is uid " + user
                    + ". Run ./run-tests as root (CI does), or leave -Pdist out.");
        }
        assertThat(notInstalled()).as("a lifeline package is already installed here; this test installs and removes its"
                + " own, so remove that one first (dpkg -P lifeline)").isTrue();
        for (String path : List.of("/usr/bin/lifeline", "/usr/lib/lifeline")) {
            assertThat(Path.of(path)).as(path + " exists outside any package; the test will not overwrite it")
                    .doesNotExist();
        }
        try {
            Proc.ok("dpkg", "-i", deb().toString());
            List<String> files = Proc.ok("dpkg", "-L", "lifeline").lines().filter(l -> l.startsWith("/")).toList();
            // Paths of the package that were there before it (/usr, /usr/bin, ...) stay; the rest must go.
            List<String> own = files.stream().filter(DebIT::ownedByLifelineAlone).toList();
            assertThat(own).contains("/usr/lib/lifeline/runtime/bin/java", "/usr/share/man/man1/lifeline.1.gz",
                    "/usr/share/bash-completion/completions/lifeline", "/usr/lib/systemd/system/lifeline-serve.service",
                    "/usr/share/doc/lifeline/copyright", "/usr/share/doc/lifeline/changelog.Debian.gz", "/usr/bin/lifeline");

            usesTheInstalledCommand();

            Running.Result man = Proc.run(List.of("man", "-w", "lifeline"));
            assertThat(man.exitCode()).as(man.toString()).isZero();
            assertThat(man.stdout().strip()).isEqualTo("/usr/share/man/man1/lifeline.1.gz");
            Running.Result verify = Proc.run(List.of("systemd-analyze", "verify", "/usr/lib/systemd/system/lifeline-serve.service"));
            assertThat(verify.exitCode()).as(verify.toString()).isZero();
            assertThat(Path.of("/etc/systemd/system/multi-user.target.wants/lifeline-serve.service"))
                    .as("installed, not enabled").doesNotExist();

            Proc.ok("dpkg", "-r", "lifeline");
            List<String> left = own.stream().filter(p -> Files.exists(Path.of(p), LinkOption.NOFOLLOW_LINKS)).toList();
            assertThat(left).as("left behind by dpkg -r").isEmpty();
            Proc.ok("dpkg", "-P", "lifeline");
            assertThat(notInstalled()).as("dpkg still knows lifeline after dpkg -P").isTrue();
            assertThat(own.stream().filter(p -> Files.exists(Path.of(p), LinkOption.NOFOLLOW_LINKS)).toList())
                    .as("left behind by dpkg -P").isEmpty();
        } finally {
            // Whatever failed above, the machine is left without the package.
            Proc.run(List.of("dpkg", "-P", "lifeline"));
        }
    }

    /** dpkg knows no package lifeline, or knows it only as not installed (no files, no conffiles). */
    private static boolean notInstalled() throws Exception {
        String status = Proc.run(List.of("dpkg-query", "-W", "-f", "${Status}", "lifeline")).stdout().strip();
        return status.isEmpty() || status.endsWith(" not-installed");
    }

    /** Files and links of the package, and the directories only it has (its own, under lifeline). */
    private static boolean ownedByLifelineAlone(String path) {
        Path p = Path.of(path);
        return !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || path.startsWith("/usr/lib/lifeline")
                || path.startsWith("/usr/share/doc/lifeline");
    }

    private void usesTheInstalledCommand() throws Exception {
        Path marker = Proc.failingJava(dir);
        Map<String, String> env = Proc.noJavaEnv(dir);
        Running.Result version = Proc.run(List.of("lifeline", "--version"), env);
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.stdout()).startsWith("lifeline " + Proc.VERSION);

        Path live = dir.resolve("live.beacon");
        Path stale = dir.resolve("stale.beacon");
        Proc.ok("mkfifo", stale.toString());
        Process holder = Proc.startAndReadLine(List.of("lifeline", "hold", live.toString()), env, "holding").process();
        try {
            Running.Result alive = Proc.run(List.of("lifeline", "check", live.toString()), env);
            assertThat(alive.exitCode()).as(alive.toString()).isZero();
            Running.Result dead = Proc.run(List.of("lifeline", "check", stale.toString()), env);
            assertThat(dead.exitCode()).as(dead.toString()).isEqualTo(1);
        } finally {
            Proc.kill(holder);
        }
        assertThat(marker).as("the machine's java (a stub) was never run").doesNotExist();
    }
}
