package dev.lifeline.serve;

import dev.lifeline.Status;
import dev.lifeline.StatusJson;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The board as Prometheus metrics, through the Prometheus Java client's model. A scrape checks
 * each beacon once (a few microseconds each) and reports that: the state, the heartbeat's age
 * and deadline are as fresh as {@code lifeline check}; the transitions are the Watcher's count.
 */
final class Metrics implements MultiCollector {
    private static final String[] STATES = {"alive", "hung", "dead", "absent", "unknown"};

    private final Board board;
    private final double probeSeconds;

    Metrics(Board board, double probeSeconds) {
        this.board = board;
        this.probeSeconds = probeSeconds;
    }

    @Override
    public MetricSnapshots collect() {
        GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("lifeline_beacon_up")
                .help("1 while a process holds the beacon and keeps any heartbeat promise, else 0");
        GaugeSnapshot.Builder state = GaugeSnapshot.builder().name("lifeline_beacon_state")
                .help("The beacon's state: 1 for the current one of alive, hung, dead, absent, unknown");
        GaugeSnapshot.Builder age = GaugeSnapshot.builder().name("lifeline_beacon_heartbeat_age_seconds")
                .help("Seconds since the holder's last beat, for beacons whose holder beats");
        GaugeSnapshot.Builder deadline = GaugeSnapshot.builder().name("lifeline_beacon_heartbeat_deadline_seconds")
                .help("The deadline the holder promised for its next beat, in Unix seconds");
        CounterSnapshot.Builder transitions = CounterSnapshot.builder().name("lifeline_beacon_transitions")
                .help("Changes of state seen since the server started following the beacon");
        int followed = 0;
        for (Board.Row row : board.rows()) {
            followed++;
            Status status = row.current();
            long now = System.currentTimeMillis();
            Labels labels = Labels.of("beacon", row.name, "path", row.path.toString());
            String current = StatusJson.name(status.state());
            up.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(labels).value(status.state() == Status.State.ALIVE ? 1 : 0).build());
            for (String s : STATES) {
                state.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .labels(labels.add("state", s)).value(s.equals(current) ? 1 : 0).build());
            }
            status.lastBeat().ifPresent(t -> age.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(labels).value((now - t.toEpochMilli()) / 1000.0).build()));
            status.deadline().ifPresent(t -> deadline.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(labels).value(t.toEpochMilli() / 1000.0).build()));
            transitions.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                    .labels(labels).value(row.transitions.get()).build());
        }
        GaugeSnapshot beacons = GaugeSnapshot.builder().name("lifeline_beacons").help("Beacons followed")
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(followed).build()).build();
        GaugeSnapshot cost = GaugeSnapshot.builder().name("lifeline_probe_seconds")
                .help("Median cost of one check on this host, measured when the server started")
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(probeSeconds).build()).build();
        return MetricSnapshots.of(up.build(), state.build(), age.build(), deadline.build(), transitions.build(),
                beacons, cost);
    }
}
