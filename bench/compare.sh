#!/usr/bin/env bash
# Midge against Debian's Mosquitto on this machine: the same load generator
# (../shared/tools/mqload), equivalent configurations, one broker at a time, every scenario of
# ../shared/tools/mqload/bench.sh (conn, fan-in QoS 0/1/2, fan-out QoS 0, p2p QoS 1, QoS 1 at a
# fixed rate), then a side-by-side table with ratios; also the time from process start to
# accepting connections.
#
# usage: bench/compare.sh [DUR]      (needs: mosquitto, cc, java; builds the jar when stale)
# env:   TESTS, ROUNDS, CONN_N, RESTART ... as ../shared/tools/mqload/compare.sh takes them;
#        MIDGE_HEAP, Midge's heap options (default "-Xms1g -Xmx1g"; empty for the JVM's defaults)
#
# Configurations: Mosquitto runs ../shared/tools/mqload/mosquitto-bench.conf (no persistence, no
# queue limit, inflight 20); Midge the same limits: persistence false, max_queued_messages 0,
# max_queued_bytes 0, message_memory_limit 0, max_inflight_messages 20, 1 GB heap. Both set
# TCP_NODELAY on every connection and flush once per read batch (Midge: its server-side MQTT
# codec, which consolidates flushes; Mosquitto: writes as it goes).
set -u
here="$(cd "$(dirname "$0")/.." && pwd)"
DUR="${1:-10}"
mq="$here/../shared/tools/mqload"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
MQLOAD="${MQLOAD:-$work/mqload}"
[ -x "$MQLOAD" ] || cc -O2 -std=gnu11 -o "$MQLOAD" "$mq/mqload.c" -lpthread || exit 1
"$here/midge" --version >/dev/null || exit 1

cat > "$work/midge-bench.conf" <<CONF
listener 18831 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
max_queued_bytes 0
message_memory_limit 0
max_inflight_messages 20
connection_messages false
CONF
# MIDGE_HEAP= (empty) runs Midge with the JVM's own heap sizing, as `./midge broker` does
# through the launcher, with the JVM options users get from `./midge broker`
midge_cmd="env 'MIDGE_JAVA_OPTS=${MIDGE_HEAP--Xms1g -Xmx1g}' $here/midge broker -c $work/midge-bench.conf"
mosquitto_cmd="mosquitto -c $mq/mosquitto-bench.conf"

startup_ms() { # port, command: milliseconds from exec to a listening socket
  local t0 pid
  t0=$(date +%s%N)
  bash -c "exec $2" >/dev/null 2>&1 &
  pid=$!
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do sleep 0.005; done
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
  kill "$pid"; wait "$pid" 2>/dev/null
}
echo "STARTUP mosquitto_ms=$(startup_ms 18830 "$mosquitto_cmd") midge_ms=$(startup_ms 18831 "$midge_cmd")"

cd "$mq" && MQLOAD="$MQLOAD" DUR="$DUR" ./compare.sh "$mosquitto_cmd" 18830 "$midge_cmd" 18831
