package dev.lifeline.internal.posix;

import dev.lifeline.internal.Concern;
import dev.lifeline.internal.Concern.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks, made once when a beacon or probe is created, in the spirit of OpenSSH's StrictModes:
 * is the place of the beacon one that nobody else can rearrange, and is it on a local file
 * system at all? Internal usage only.
 *
 * <p>Why: whoever can write a directory on the way to a beacon can swap the beacon for something
 * else: a FIFO of their own that they hold (a dead daemon looks alive), or a link to a device
 * that a root checker would then open. The sticky bit (as on /tmp) stops others from renaming or
 * removing what they do not own, so a world-writable sticky directory is fine. And a FIFO is
 * local to one kernel: on NFS or SMB two hosts see the same file but never each other's readers.
 *
 * <p>Done with java.nio rather than system calls of lifeline's own: the JDK's file attribute code
 * is loaded already, while linking new native calls costs milliseconds, which a command-line
 * check started by a probe every few seconds pays each time.
 */
final class Strict {
    /** File system types, as the mount table names them, on which a FIFO means one host only. */
    private static final Set<String> REMOTE = Set.of("nfs", "nfs4", "cifs", "smb3", "smbfs", "9p", "ceph",
            "glusterfs", "afs", "coda", "gfs2", "ocfs2", "lustre", "gpfs", "virtiofs", "beegfs", "orangefs",
            // FUSE clients name themselves fuse.<program> in the mount table; statfs says only FUSE.
            "fuse.glusterfs", "fuse.ceph-fuse", "fuse.ceph", "fuse.s3fs", "fuse.rclone", "fuse.gcsfuse",
            "fuse.juicefs");

    private Strict() {
    }

    /**
     * What is unsafe about the place of {@code beacon}: each directory from its parent up to the
     * root that others may write without the sticky bit, or (for a holder) that a user other than
     * root and {@code uid} owns; a remote file system (for a checker, the one that holds the FIFO
     * a final symbolic link names); and (for a checker) a FIFO that neither root nor the
     * directory's owner owns. Empty when all is well. Directories that do not exist are skipped:
     * they fail later, on their own terms; the existing ones above them are checked all the same.
     */
    static List<Concern> concerns(Path beacon, int uid, boolean forProbe) {
        List<Concern> concerns = new ArrayList<>();
        Path parent = beacon.toAbsolutePath().getParent();
        // The directories that really hold it, symbolic links resolved. Where the beacon's own
        // directory is missing (or a link on the way dangles or loops), the nearest one above it
        // that exists is where anyone who may write it could make the rest: checked from there.
        Path dir = null;
        boolean parentExists = false;
        for (Path p = parent; p != null && dir == null; p = p.getParent()) {
            try {
                dir = p.toRealPath();
                parentExists = p == parent;
            } catch (IOException | SecurityException missing) {
                // not there: look one level up
            }
        }
        if (dir == null) {
            return concerns;
        }
        Path fifoDir = dir;
        if (forProbe) {
            // A probe follows a final symbolic link (as s6-svok does), so the FIFO it checks may
            // live elsewhere: on a remote file system even where the link does not.
            try {
                Path target = beacon.toRealPath().getParent();
                if (target != null) {
                    fifoDir = target;
                }
            } catch (IOException | SecurityException missing) {
                // nothing there yet, or a dangling link: the link's own directory is all there is
            }
        }
        String type = fileSystemType(fifoDir);
        if (REMOTE.contains(type) || type.startsWith("fuse.sshfs")) {
            concerns.add(new Concern(Kind.REMOTE_FILE_SYSTEM, fifoDir + " is on " + type
                    + ", a file system shared between hosts: a FIFO there shows the readers of this host only"));
        }
        for (Path d = dir; d != null; d = d.getParent()) {
            Map<String, Object> attributes;
            try {
                attributes = Files.readAttributes(d, "unix:mode,uid");
            } catch (IOException | RuntimeException unreadable) {
                continue;
            }
            int mode = (Integer) attributes.get("mode");
            int owner = (Integer) attributes.get("uid");
            if ((mode & 0002) != 0 && (mode & 01000) == 0) {
                concerns.add(new Concern(Kind.WRITABLE_BY_OTHERS, d + " is writable by others and not sticky (mode "
                        + Integer.toOctalString(mode & 07777) + "): anyone can replace the beacon"));
            }
            if (!forProbe && owner != 0 && owner != uid) {
                concerns.add(new Concern(Kind.FOREIGN_OWNER, d + " belongs to uid " + Integer.toUnsignedString(owner)
                        + ", neither root nor uid " + Integer.toUnsignedString(uid) + ": that user can replace the beacon"));
            }
        }
        if (forProbe && parentExists) {
            fifoOwner(beacon, dir, concerns);
        }
        return concerns;
    }

    /**
     * A checker cannot know whose beacon to expect, but a FIFO owned by neither root nor the
     * owner of its directory was put there by a third party (a member of a group that may write
     * the directory, say): worth a warning.
     */
    private static void fifoOwner(Path beacon, Path dir, List<Concern> concerns) {
        try {
            Map<String, Object> file = Files.readAttributes(beacon, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
            if (((Integer) file.get("mode") & CallState.S_IFMT) != CallState.S_IFIFO) {
                return;
            }
            int owner = (Integer) file.get("uid");
            int dirOwner = (Integer) Files.getAttribute(dir, "unix:uid");
            if (owner != 0 && owner != dirOwner) {
                concerns.add(new Concern(Kind.FOREIGN_FIFO, beacon + " is owned by uid " + Integer.toUnsignedString(owner)
                        + ", not by root nor by uid " + Integer.toUnsignedString(dirOwner) + ", the owner of its directory"));
            }
        } catch (IOException | RuntimeException absent) {
            // nothing there yet, or not readable: nothing to say
        }
    }

    private static String fileSystemType(Path dir) {
        try {
            return Files.getFileStore(dir).type().toLowerCase(Locale.ROOT);
        } catch (IOException | RuntimeException unknown) {
            return "";
        }
    }

    /** The effective user id of this process: the owner of /proc/self. */
    static int euid(Syscalls sys) {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException e) {
            return sys.geteuid();
        }
    }
}
