package dev.lifeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything on disk under one directory that a lifeline call could change, entry by entry and
 * never following a symbolic link: type, mode, owner, inode, size, link count, mtime and ctime,
 * a hash of each regular file's bytes, each link's target. A file's atime is left out where the
 * snapshot itself moves it (reading a file, listing a directory, reading a link); a FIFO's atime
 * is kept, since nothing here reads a FIFO and lifeline keeps its deadline there.
 */
record Tree(Map<String, Entry> entries) {
    record Entry(int mode, int uid, long ino, long size, int nlink, FileTime mtime, FileTime ctime,
            FileTime fifoAtime, String sha256, String linkTarget) {
        int type() {
            return mode & Sys.S_IFMT;
        }

        /** The same entry, times and size aside: what a directory keeps when an entry comes or goes. */
        boolean sameButTimesAndSize(Entry other) {
            return mode == other.mode && uid == other.uid && ino == other.ino && nlink == other.nlink
                    && Objects.equals(sha256, other.sha256) && Objects.equals(linkTarget, other.linkTarget);
        }
    }

    /** The key of {@code path} (which must lie in {@code root}, links resolved by the caller). */
    static String key(Path root, Path path) {
        String rel = root.relativize(path).toString();
        return rel.isEmpty() ? "." : rel;
    }

    static Tree of(Path root) {
        Map<String, Entry> entries = new TreeMap<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    entries.put(key(root, dir), entry(dir));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    entries.put(key(root, file), entry(file));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    throw e;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Tree(entries);
    }

    private static Entry entry(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,ino,size,nlink,lastModifiedTime,ctime,lastAccessTime",
                    LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            int type = mode & Sys.S_IFMT;
            String sha = type == Sys.S_IFREG ? sha256(p) : null;
            String target = type == Sys.S_IFLNK ? Files.readSymbolicLink(p).toString() : null;
            FileTime atime = type == Sys.S_IFIFO ? (FileTime) a.get("lastAccessTime") : null;
            return new Entry(mode, (Integer) a.get("uid"), (Long) a.get("ino"), (Long) a.get("size"),
                    (Integer) a.get("nlink"), (FileTime) a.get("lastModifiedTime"), (FileTime) a.get("ctime"), atime, sha,
                    target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** A readable list of what differs, empty when nothing does. */
    String diff(Tree after) {
        StringBuilder out = new StringBuilder();
        for (var e : entries.entrySet()) {
            Entry then = e.getValue();
            Entry now = after.entries.get(e.getKey());
            if (now == null) {
                out.append("\n  removed ").append(e.getKey()).append(": ").append(then);
            } else if (!now.equals(then)) {
                out.append("\n  changed ").append(e.getKey()).append(": ").append(then).append(" -> ").append(now);
            }
        }
        for (var e : after.entries.entrySet()) {
            if (!entries.containsKey(e.getKey())) {
                out.append("\n  added ").append(e.getKey()).append(": ").append(e.getValue());
            }
        }
        return out.toString();
    }
}
