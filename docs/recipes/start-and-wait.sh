#!/bin/sh
# Start a daemon in the background with a beacon, and go on only once it is up: no sleep, no
# polling loop. `lifeline wait --alive` sleeps on inotify until the beacon is held.
set -eu
worker=${WORKER:-/usr/local/bin/worker}
lifeline run worker -- "$worker" --foreground &
if ! lifeline wait --alive --quiet --timeout 30s worker; then
    echo "worker did not come up within 30 s" >&2
    exit 1
fi
echo "worker is up"
# ... and block until it dies, then react (POLLERR on the FIFO: noticed at once, even after kill -9).
lifeline wait --dead --quiet worker
echo "worker is gone" >&2
