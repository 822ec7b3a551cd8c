package dev.lifeline.internal.linux;

import dev.lifeline.internal.posix.ChildEnvironment;
import java.util.List;
import java.util.Map;

/**
 * Handing a held beacon to another program: {@code posix_spawn} of a child that inherits the
 * descriptor, or {@code execve} of this process, through the backend's {@link LinuxCalls#spawn}
 * and {@link LinuxCalls#exec}. Internal usage only.
 *
 * <p>The descriptor crosses as number 3 in a spawned child ({@code LIFELINE_FD=3}, as systemd
 * passes LISTEN_FDS from 3), and as itself across execve; every other descriptor above 2 is
 * closed or marked close-on-exec, so that nothing of the JVM leaks into the program. The signal
 * mask is emptied: a program must not start with signals blocked because a JVM thread had them.
 */
final class Spawner {
    private static final int CHILD_FD = ChildEnvironment.CHILD_FD;

    private Spawner() {
    }

    /** Starts {@code path} as a child holding {@code beaconFd} as descriptor 3: its pid, or minus errno. */
    static int spawn(LinuxCalls calls, int beaconFd, String path, List<String> argv, Map<String, String> env) {
        return calls.spawn(beaconFd, CHILD_FD, cString(path), cStrings(ChildEnvironment.bytes(argv)),
                cStrings(ChildEnvironment.of(env, CHILD_FD)));
    }

    /**
     * Replaces this process with {@code path}, keeping {@code beaconFd} open (and only it, above
     * 2). Returns minus errno if execve fails; does not return otherwise. On failure the JVM's
     * descriptors are left close-on-exec, which changes nothing for the JVM itself.
     */
    static int exec(LinuxCalls calls, int beaconFd, String path, List<String> argv, Map<String, String> env) {
        return calls.exec(beaconFd, cString(path), cStrings(ChildEnvironment.bytes(argv)),
                cStrings(ChildEnvironment.of(env, beaconFd)));
    }

    private static byte[] cString(String s) {
        return cString(ChildEnvironment.bytes(s));
    }

    /** The bytes of a C string, refused if they hold a NUL, which would cut the string short. */
    private static byte[] cString(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("NUL character in an argument or the environment");
            }
        }
        return bytes;
    }

    private static List<byte[]> cStrings(List<byte[]> values) {
        for (byte[] value : values) {
            cString(value);
        }
        return values;
    }
}
