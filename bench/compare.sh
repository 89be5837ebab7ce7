#!/usr/bin/env bash
# Midge against Debian's Mosquitto on this machine: the same load generator
# (../shared/tools/mqload), equivalent configurations, one broker at a time, every scenario of
# ../shared/tools/mqload/bench.sh (conn, fan-in QoS 0/1/2, fan-out QoS 0, p2p QoS 1, QoS 1 at a
# fixed rate), then a side-by-side table with ratios; also the time from process start to
# accepting connections.
#
# usage: bench/compare.sh [DUR]      (needs: mosquitto, cc, java; builds the jar when stale)
#        e.g. ROUNDS=5 TESTS=conn bench/compare.sh: the conn scenario five times per broker, medians
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

# The probe below forks nothing while it waits: it tries the port from this shell and sleeps by
# reading with a timeout from a FIFO nobody writes to. Probing with a subshell and `sleep 0.005`
# (two processes every ~6 ms) took enough of this 2-core machine to slow Midge's start from
# ~0.55 s to 0.84-1.04 s; Mosquitto's single thread, listening in 60 ms, hardly noticed
# (BENCHMARKS.md, session 14).
mkfifo "$work/never" && exec 9<>"$work/never"
startup_ms() { # port, command: milliseconds from exec to a listening socket
  local t0 pid
  t0=$(date +%s%N)
  bash -c "exec $2" >/dev/null 2>&1 9>&- &
  pid=$!
  until { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; do read -rt 0.005 -u 9 || true; done
  exec 3>&-
  echo $(( ($(date +%s%N) - t0) / 1000000 ))
  kill "$pid"; wait "$pid" 2>/dev/null
}
echo "STARTUP mosquitto_ms=$(startup_ms 18830 "$mosquitto_cmd") midge_ms=$(startup_ms 18831 "$midge_cmd")"
exec 9>&-

# With ROUNDS > 1 (each round runs Mosquitto, then Midge), a MEDIAN line per scenario follows the
# table: the median of each broker's rounds and their ratio. A first connect storm's rate spreads
# over +-15 % from run to run on this machine, for both brokers (BENCHMARKS.md, session 14).
cd "$mq" && MQLOAD="$MQLOAD" DUR="$DUR" ./compare.sh "$mosquitto_cmd" 18830 "$midge_cmd" 18831 | tee "$work/out"
status=${PIPESTATUS[0]}
[ "${ROUNDS:-1}" -gt 1 ] && awk '
  function kv(line, key,   i, n, a, f) {
    n = split(line, a, " ")
    for (i = 1; i <= n; i++) { split(a[i], f, "="); if (f[1] == key) return f[2] }
    return ""
  }
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  /^RESULT / {
    label = kv($0, "label"); b = kv($0, "broker")
    v = label == "conn" ? kv($0, "connect_per_s") : kv($0, "msgs_per_s")
    if (v == "") next
    if (!(label in seen)) { seen[label] = 1; order[++n] = label }
    vals[label, b] = vals[label, b] " " v
    if (label == "conn") rss[b] = rss[b] " " kv($0, "broker_bytes_per_conn")
  }
  END {
    for (i = 1; i <= n; i++) {
      l = order[i]; a = median(vals[l, "A"]); m = median(vals[l, "B"])
      unit = l == "conn" ? "connects/s" : "msgs/s"; ratio = a > 0 ? m / a : 0
      printf "MEDIAN label=%s %s A=%s B=%s ratio=%.2f rounds:%s /%s\n", l, unit, a, m, ratio, vals[l, "A"], vals[l, "B"]
      if (l == "conn") printf "MEDIAN label=conn bytes/conn A=%s B=%s\n", median(rss["A"]), median(rss["B"])
    }
  }' "$work/out"
exit "$status"
