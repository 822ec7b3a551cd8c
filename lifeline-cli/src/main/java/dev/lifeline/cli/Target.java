package dev.lifeline.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a command checks for a path it was given: the path itself, or, for a supervision
 * directory, the FIFO its supervisor holds for its whole life.
 * <ul>
 * <li>runit ({@code runsv}) and daemontools ({@code supervise}) hold {@code supervise/ok} open
 *     for reading: {@code sv} and {@code svok} open it for writing, as lifeline does. runit also
 *     keeps {@code supervise/stat}, which tells the two apart.
 * <li>s6 ({@code s6-supervise}) has no {@code ok}; it holds {@code supervise/control} open, for
 *     reading and for writing. {@code s6-svok} asked that FIFO until s6 2.10 and since then asks
 *     whether {@code supervise/lock} is locked; s6-supervise holds both for its whole life, so the
 *     answers agree.
 * </ul>
 *
 * @param path the path as given, which the output names
 * @param beacon the FIFO that is checked
 * @param supervisor {@code s6}, {@code runit} or {@code daemontools}; {@code none} for a service
 *        directory (one with a {@code run} file) that no supervisor has run yet; null for a plain
 *        beacon
 */
record Target(Path path, Path beacon, String supervisor) {
    /** A plain beacon, or the FIFO of the supervision directory at {@code path}. */
    static Target of(Path path) {
        Path supervise = path.resolve("supervise");
        if (!Files.isDirectory(path)) {
            return new Target(path, path, null);
        }
        if (!Files.isDirectory(supervise)) {
            // A service that no supervisor has run yet: s6-svok says "not up", and so do we, as
            // absent; anything else that is a directory is left to the probe (not a FIFO).
            return Files.isRegularFile(path.resolve("run"))
                    ? new Target(path, supervise.resolve("control"), "none")
                    : new Target(path, path, null);
        }
        if (Files.exists(supervise.resolve("ok"), LinkOption.NOFOLLOW_LINKS)) {
            boolean runit = Files.exists(supervise.resolve("stat"), LinkOption.NOFOLLOW_LINKS);
            return new Target(path, supervise.resolve("ok"), runit ? "runit" : "daemontools");
        }
        return new Target(path, supervise.resolve("control"), "s6");
    }

    boolean isService() {
        return supervisor != null;
    }

    /** {@code s6 service, checked /srv/x/supervise/control}; for the human line of a service. */
    String gloss() {
        return ("none".equals(supervisor) ? "service not supervised yet" : supervisor + " service")
                + ", checked " + Main.show(beacon);
    }

    /**
     * What a directory holds to be checked, sorted by name: every FIFO in it and every
     * supervision directory below it. Names beginning with a dot are left out: lifeline makes a
     * new beacon under such a name and renames it into place once held.
     *
     * @throws IOException if the directory cannot be listed
     */
    static List<Target> in(Path dir) throws IOException {
        // A DirectoryStream and a sort, not Files.list's Stream: no pipeline classes for status to
        // make on each call.
        List<Path> entries = new ArrayList<>();
        try (java.nio.file.DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
            for (Path entry : listing) {
                entries.add(entry);
            }
        } catch (java.nio.file.DirectoryIteratorException e) {
            throw e.getCause();
        }
        java.util.Collections.sort(entries);
        List<Target> targets = new ArrayList<>();
        for (Path entry : entries) {
            if (entry.getFileName().toString().startsWith(".")) {
                continue;
            }
            if (isFifo(entry)) {
                targets.add(new Target(entry, entry, null));
            } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                Target service = of(entry);
                if (service.isService()) {
                    targets.add(service);
                }
            }
        }
        return targets;
    }

    /** Whether {@code path} is a directory to list rather than a beacon or a service to check. */
    static boolean isListing(Path path) {
        return Files.isDirectory(path) && !of(path).isService();
    }

    /**
     * A FIFO that a listing of its directory reports: not one whose name begins with a dot, which
     * lifeline makes a new beacon under and renames into place once held.
     */
    static boolean isListedFifo(Path path) {
        return !path.getFileName().toString().startsWith(".") && isFifo(path);
    }

    /** A FIFO itself, not a link to one: the one test of a file's type in the CLI. */
    static boolean isFifo(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0010000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
