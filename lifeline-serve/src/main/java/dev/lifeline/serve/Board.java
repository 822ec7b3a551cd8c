package dev.lifeline.serve;

import dev.lifeline.Probe;
import dev.lifeline.Status;
import dev.lifeline.StatusJson;
import dev.lifeline.Watcher;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What the server knows about each beacon: the last state the Watcher reported (for the events,
 * the transition count and "since"), and a {@link Probe} for a fresh check whenever a figure is
 * shown. The Watcher reports changes of state only, not every beat of a holder that keeps
 * beating, so a status kept from its last report would show the heartbeat's age and deadline
 * as they were at that report: every answer that shows a status checks again (one
 * non-blocking open, a few microseconds), and is as fresh as {@code lifeline check}.
 */
final class Board {
    /** One followed beacon. */
    static final class Row {
        final String name;
        final Path path;
        final Probe probe;
        /** The status of the Watcher's last report; null until its first. */
        volatile Status status;
        volatile long changedAtMillis;
        final AtomicLong transitions = new AtomicLong();

        Row(String name, Path path) {
            this.name = name;
            this.path = path;
            this.probe = Probe.of(path);
        }

        /** The beacon's status now: a fresh check, never the Watcher's last report. */
        Status current() {
            return probe.check();
        }

        /** The beacon as JSON, checked now. */
        String json() {
            return json(current());
        }

        /**
         * One beacon: {@code name}, then the keys of {@code lifeline check --json} (lifeline-core's
         * {@link StatusJson}), then the server's own {@code since} and {@code transitions}.
         */
        String json(Status status) {
            StringBuilder b = new StringBuilder(192).append('{');
            StatusJson.appendMember(b, "name", name).append(',');
            StatusJson.appendMember(b, "path", status.path().toString()).append(',');
            StatusJson.appendState(b, status);
            StatusJson.appendMember(b.append(','), "since", Instant.ofEpochMilli(changedAtMillis).toString());
            return b.append(",\"transitions\":").append(transitions.get()).append('}').toString();
        }
    }

    private final Map<Path, Row> byPath = new ConcurrentHashMap<>();
    private final Map<String, Row> byName = new ConcurrentHashMap<>();
    private final List<Consumer<Row>> listeners = new CopyOnWriteArrayList<>();

    /** Registers {@code path} under a name: its file name, or the whole path if that is taken. */
    Row add(Path path) {
        return byPath.computeIfAbsent(path, p -> {
            String file = p.getFileName() == null ? p.toString() : p.getFileName().toString();
            Row row = new Row(byName.containsKey(file) ? p.toString() : file, p);
            byName.putIfAbsent(row.name, row);
            return row;
        });
    }

    /** The Watcher's listener: records the change and tells every subscriber. */
    void changed(Watcher.Change change) {
        Row row = byPath.get(change.path());
        if (row == null) {
            return;
        }
        if (change.previous().isPresent()) {
            row.transitions.incrementAndGet();
        }
        row.status = change.status();
        row.changedAtMillis = System.currentTimeMillis();
        for (Consumer<Row> l : listeners) {
            l.accept(row);
        }
    }

    Row byName(String name) {
        return byName.get(name);
    }

    /** Rows that have a status already, in name order. */
    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (Row r : byPath.values()) {
            if (r.status != null) {
                rows.add(r);
            }
        }
        rows.sort((a, b) -> a.name.compareTo(b.name));
        return rows;
    }

    Collection<Row> all() {
        return byPath.values();
    }

    void subscribe(Consumer<Row> listener) {
        listeners.add(listener);
    }

    void unsubscribe(Consumer<Row> listener) {
        listeners.remove(listener);
    }
}
