package dev.lifeline.internal.posix;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
 */
public final class Strict {
    /** Remote and cluster file systems, by statfs f_type, on which a FIFO means one host only. */
    private static final Map<Long, String> REMOTE = Map.ofEntries(
            Map.entry(0x6969L, "NFS"),
            Map.entry(0x517BL, "SMB"),
            Map.entry(0xFF534D42L, "CIFS"),
            Map.entry(0xFE534D42L, "SMB2"),
            Map.entry(0x73757245L, "Coda"),
            Map.entry(0x5346414FL, "AFS"),
            Map.entry(0x00C36400L, "Ceph"),
            Map.entry(0x01021997L, "9P"),
            Map.entry(0x01161970L, "GFS2"),
            Map.entry(0x7461636FL, "OCFS2"),
            Map.entry(0x0BD00BD0L, "Lustre"),
            Map.entry(0x47504653L, "GPFS"),
            Map.entry(0x65735546L, "FUSE (possibly remote, such as sshfs)"));

    private Strict() {
    }

    /**
     * What is unsafe about the place of {@code beacon}: each directory from its parent up to the
     * root that others may write without the sticky bit, or (for a holder) that a user other than
     * root and {@code uid} owns; a remote file system; and (for a checker) a FIFO that neither
     * root nor the directory's owner owns. Empty when all is well. Directories that do not
     * exist are skipped: they fail later, on their own terms.
     */
    public static List<String> concerns(Path beacon, int uid, boolean forProbe) {
        List<String> concerns = new ArrayList<>();
        Path dir = beacon.toAbsolutePath().getParent();
        if (dir == null) {
            return concerns;
        }
        try {
            dir = dir.toRealPath(); // the directories that really hold it, symbolic links resolved
        } catch (IOException | SecurityException missing) {
            return concerns;
        }
        LibC.Scratch s = LibC.scratch();
        long type = LibC.statfsType(s, NativePath.of(dir));
        if (type >= 0 && REMOTE.containsKey(type)) {
            concerns.add(dir + " is on " + REMOTE.get(type) + ", a file system shared between hosts:"
                    + " a FIFO there shows the readers of this host only");
        }
        for (Path d = dir; d != null; d = d.getParent()) {
            if (LibC.statx(s, NativePath.of(d), true, Linux.STATX_TYPE | Linux.STATX_MODE | Linux.STATX_UID) < 0) {
                continue;
            }
            int mode = s.statxMode();
            int owner = s.statxUid();
            if ((mode & 0002) != 0 && (mode & 01000) == 0) {
                concerns.add(d + " is writable by others and not sticky (mode "
                        + Integer.toOctalString(mode & 07777) + "): anyone can replace the beacon");
            }
            if (!forProbe && owner != 0 && owner != uid) {
                concerns.add(d + " belongs to uid " + Integer.toUnsignedString(owner)
                        + ", neither root nor uid " + Integer.toUnsignedString(uid) + ": that user can replace the beacon");
            }
        }
        if (forProbe) {
            fifoOwner(s, beacon, dir, concerns);
        }
        return concerns;
    }

    /**
     * A checker cannot know whose beacon to expect, but a FIFO owned by neither root nor the
     * owner of its directory was put there by a third party (a member of a group that may write
     * the directory, say): worth a warning.
     */
    private static void fifoOwner(LibC.Scratch s, Path beacon, Path dir, List<String> concerns) {
        if (LibC.statx(s, NativePath.of(dir), true, Linux.STATX_UID) < 0) {
            return;
        }
        int dirOwner = s.statxUid();
        if (LibC.statx(s, NativePath.of(beacon), false, Linux.STATX_TYPE | Linux.STATX_UID) < 0
                || (s.statxMode() & Linux.S_IFMT) != Linux.S_IFIFO) {
            return;
        }
        int owner = s.statxUid();
        if (owner != 0 && owner != dirOwner) {
            concerns.add(beacon + " is owned by uid " + Integer.toUnsignedString(owner)
                    + ", not by root nor by uid " + Integer.toUnsignedString(dirOwner) + ", the owner of its directory");
        }
    }

    /** Whether {@code concern}, one of {@link #concerns}, is about a remote file system. */
    public static boolean isRemote(String concern) {
        return concern.contains("a file system shared between hosts");
    }

    /** The effective user id of this process. */
    public static int euid() {
        return LibC.geteuid();
    }
}
