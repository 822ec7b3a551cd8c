package dev.lifeline;

import dev.lifeline.World.Holder;
import dev.lifeline.World.Inode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the Javadoc promises for a world, worked out from the kernel's own answers (statx through
 * the test's bindings, not lifeline's) and from what only the test knows: who holds which FIFO.
 * Each rule cites the sentence it comes from.
 */
final class Oracle {
    static final int EUID = Sys.geteuid();

    private Oracle() {
    }

    /** What a check must answer: the state, and for UNKNOWN the fault and the errno's name. */
    record Verdict(Status.State state, Fault fault, String errno, Holder holder) {
        @Override
        public String toString() {
            return state + (fault == null ? "" : " " + fault + (errno == null ? "" : " (" + errno + ")"))
                    + (holder == null ? "" : " held by " + holder);
        }
    }

    /**
     * Probe: "A symbolic link is followed"; ALIVE "only for a FIFO that some process holds open for
     * reading"; HUNG for a held FIFO whose holder "missed" its deadline; DEAD "for a FIFO nobody
     * holds"; ABSENT "when nothing is at the path (ENOENT), a missing directory included";
     * UNKNOWN "for everything else". Fault: each constant names its errno.
     */
    static Verdict check(World w) {
        Sys.Stat st = Sys.stat(w.path, true);
        if (!st.ok()) {
            if (st.errno() == Sys.ENOENT) {
                return new Verdict(Status.State.ABSENT, null, null, null);
            }
            return new Verdict(Status.State.UNKNOWN, faultOf(st.errno()), Sys.errnoName(st.errno()), null);
        }
        return switch (st.type()) {
            case Sys.S_IFIFO -> {
                Holder h = w.holders.get(Inode.of(st));
                yield new Verdict(h == null ? Status.State.DEAD : h == Holder.BEACON_HUNG ? Status.State.HUNG : Status.State.ALIVE,
                        null, null, h);
            }
            // open(O_WRONLY) of a directory fails with EISDIR before any type is looked at.
            case Sys.S_IFDIR -> new Verdict(Status.State.UNKNOWN, Fault.NOT_A_FIFO, "EISDIR", null);
            default -> new Verdict(Status.State.UNKNOWN, Fault.NOT_A_FIFO, null, null);
        };
    }

    /** The Fault Javadoc, constant by constant, for the errnos a path can meet. */
    static Fault faultOf(int errno) {
        return switch (errno) {
            case Sys.EACCES, Sys.EPERM -> Fault.ACCESS_DENIED;
            case Sys.ENOTDIR -> Fault.NOT_A_DIRECTORY;
            case Sys.ENAMETOOLONG -> Fault.NAME_TOO_LONG;
            case Sys.ELOOP -> Fault.SYMLINK_LOOP;
            default -> throw new AssertionError("no documented fault for " + Sys.errnoName(errno));
        };
    }

    /**
     * Probe.warnings: "a directory on the way that others may write without the sticky bit, ... a
     * FIFO owned by neither root nor its directory's owner". Beacon.open's strict checks: "a beacon
     * whose directory, or one above it, others could rearrange (writable by others without the
     * sticky bit, or owned by a user other than root and this one)". The directories on the way
     * are the real ones (links resolved); one that does not exist is no concern, but those above
     * it that do exist still are. (The file systems here are local: no remote concern.)
     */
    static boolean unsafePlace(Path path, boolean forProbe) {
        Path parent = path.toAbsolutePath().getParent();
        Path real = null;
        boolean parentExists = false;
        for (Path p = parent; p != null && real == null; p = p.getParent()) {
            try {
                real = p.toRealPath();
                parentExists = p == parent;
            } catch (IOException missing) {
                // not there (or not reachable): go on with the directory above it
            }
        }
        if (real == null) {
            return false;
        }
        try {
            for (Path d = real; d != null; d = d.getParent()) {
                Map<String, Object> a = Files.readAttributes(d, "unix:mode,uid");
                int mode = (Integer) a.get("mode");
                int uid = (Integer) a.get("uid");
                if ((mode & 0002) != 0 && (mode & 01000) == 0) {
                    return true;
                }
                if (!forProbe && uid != 0 && uid != EUID) {
                    return true;
                }
            }
            if (forProbe) {
                Sys.Stat fifo = Sys.stat(path, false);
                if (fifo.is(Sys.S_IFIFO) && parentExists) {
                    int dirOwner = (Integer) Files.getAttribute(real, "unix:uid");
                    return fifo.uid() != 0 && fifo.uid() != dirOwner;
                }
            }
            return false;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** What Beacon.open must do: fail with a fault (and errno name), or hold, creating or joining. */
    record Opening(Fault fault, String errno, boolean created, Holder joined, boolean stale) {
        @Override
        public String toString() {
            return fault != null ? fault + (errno == null ? "" : " (" + errno + ")")
                    : created ? "creates" : stale ? "takes over a stale FIFO" : "joins " + joined;
        }
    }

    /**
     * Beacon.open: the strict checks come first ("before anything is created"); then it "creates
     * the FIFO ... or takes over a stale one" and "refuses, and leaves untouched, anything else at
     * the path: a regular file, a directory, a device, a socket, a symbolic link, or a FIFO that
     * another user owns"; EXCLUSIVE: "opening the same beacon again, exclusive or not, ... fails
     * with HELD", and a shared holder admits no exclusive one; "a fault naming the errno if a
     * system call failed (a missing directory, permission denied, ...)".
     */
    static Opening open(World w, boolean exclusive, boolean trust) {
        if (!trust && unsafePlace(w.path, false)) {
            return new Opening(Fault.UNSAFE_DIRECTORY, null, false, null, false);
        }
        Sys.Stat st = Sys.stat(w.path, false);
        if (!st.ok()) {
            if (st.errno() != Sys.ENOENT) {
                return new Opening(faultOf(st.errno()), Sys.errnoName(st.errno()), false, null, false);
            }
            Path parent = w.path.getParent();
            Sys.Stat dir = Sys.stat(parent == null ? Path.of(".") : parent, true);
            return dir.is(Sys.S_IFDIR)
                    ? new Opening(null, null, true, null, false)
                    : new Opening(Fault.NO_SUCH_DIRECTORY, "ENOENT", false, null, false);
        }
        if (st.type() == Sys.S_IFLNK) {
            return new Opening(Fault.SYMLINK, null, false, null, false);
        }
        if (st.type() != Sys.S_IFIFO) {
            return new Opening(Fault.NOT_A_FIFO, null, false, null, false);
        }
        if (st.uid() != EUID) {
            return new Opening(Fault.NOT_OWNER, null, false, null, false);
        }
        Holder h = w.holders.get(Inode.of(st));
        if (h == Holder.BEACON_EXCLUSIVE || (h != null && h.isBeacon() && exclusive)) {
            return new Opening(Fault.HELD, "EWOULDBLOCK", false, null, false);
        }
        return new Opening(null, null, false, h, h == null);
    }
}
