package dev.lifeline.bench;

/** The names {@link Daemon} serve creates in its directory. */
final class Layout {
    static final String LIVE = "live";
    static final String DEAD = "dead";
    static final String SOCKET = "daemon.sock";
    static final String LOCK = "daemon.lock";
    static final String PID = "daemon.pid";

    private Layout() {
    }
}
