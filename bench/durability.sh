#!/usr/bin/env bash
# Durable QoS 1 / QoS 2 throughput and QoS 1 latency at a fixed rate, side by side: Midge with persistence off, with
# `persistence_sync always` (fsync before every acknowledgement, group-committed) and with
# `persistence_sync interval 100`, and Debian's Mosquitto with `persistence true`, one after
# the other on loopback with the same load generator (../shared/tools/mqload) and persistent
# sessions (clean session 0) so that the durable path is the one measured.
#
# usage: bench/durability.sh [DUR]      (needs: mosquitto, cc, java; builds the jar when stale)
# prints RESULT lines (label=<broker config>/<test>) and a summary table on stdout.
set -u
here="$(cd "$(dirname "$0")/.." && pwd)"
DUR="${1:-10}"
MQLOAD_SRC="$here/../shared/tools/mqload/mqload.c"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
MQLOAD="${MQLOAD:-$work/mqload}"
[ -x "$MQLOAD" ] || cc -O2 -std=gnu11 -o "$MQLOAD" "$MQLOAD_SRC" -lpthread || exit 1
"$here/midge" --version >/dev/null || exit 1
# Midge runs through its launcher, with the JVM options users get from `./midge broker`
midge=(env "MIDGE_JAVA_OPTS=-Xms512m -Xmx1g" "$here/midge" broker -c)
port=18850

wait_port() {
  for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

run_broker() { # label, command...
  local label="$1"; shift
  "$@" > "$work/$label.log" 2>&1 &
  local pid=$!
  wait_port "$port" || { echo "$label did not start" >&2; cat "$work/$label.log" >&2; kill $pid; return 1; }
  # warm-up, not measured: the JIT, for Midge. Clean sessions first, then the measured path itself
  # (persistent sessions under the ids the tests use, QoS 1; QoS 2 would leave Mosquitto 2.0
  # stalled for the tests that follow). A JVM that meets the store path cold spends its first
  # ~15 s recompiling it on one of the two cores: a first durable run measured 30-57 k msgs/s,
  # the next ones 77-91 k, in one process.
  "$MQLOAD" --port "$port" --scenario fanin --pubs 16 --subs 1 --qos 1 --size 64 --duration 5 --warmup 1 \
    --inflight 20 --e2e-window 100 --clean 1 --client-prefix "warm-$label-" --quiet >/dev/null 2>&1
  "$MQLOAD" --port "$port" --scenario fanin --pubs 16 --subs 1 --qos 1 --size 64 --duration 8 --warmup 1 \
    --inflight 20 --e2e-window 100 --clean 0 --client-prefix "dur-$label-" --drain-idle 20 --quiet >/dev/null 2>&1
  sleep 2
  # QoS 1 flat out, QoS 1 at a fixed 16 x 500 msgs/s (the latency test), QoS 2 flat out last
  # (Mosquitto 2.0 stalls there); persistent sessions, the same ids throughout
  for test in q1 q1_rate q2; do
    case "$test" in
      q1) args="--qos 1 --inflight 20 --e2e-window 100" ;;
      q1_rate) args="--qos 1 --rate 500" ;;
      q2) args="--qos 2 --inflight 20 --e2e-window 100" ;;
    esac
    # shellcheck disable=SC2086
    "$MQLOAD" --port "$port" --scenario fanin --pubs 16 --subs 1 $args --size 64 \
      --duration "$DUR" --warmup 1 --clean 0 \
      --client-prefix "dur-$label-" --broker-pid "$pid" --label "$label/fanin_$test" --quiet \
      --drain-idle 20 2>/dev/null | grep '^RESULT'
    sleep 2
  done
  kill "$pid"; wait "$pid" 2>/dev/null
}

midge_conf() { # name, extra lines
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nmax_queued_messages 10000000\npersistence_location %s\n%s\n' \
    "$port" "$work/data-$1" "$2" > "$work/$1.conf"
  echo "$work/$1.conf"
}

{
  run_broker midge-memory "${midge[@]}" "$(midge_conf memory 'persistence false')"
  run_broker midge-sync-always "${midge[@]}" "$(midge_conf always 'persistence_sync always')"
  run_broker midge-sync-100ms "${midge[@]}" "$(midge_conf interval 'persistence_sync interval 100')"
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location %s/\nmax_queued_messages 10000000\nmax_inflight_messages 20\nlog_dest stderr\nlog_type error\n' \
    "$port" "$work" > "$work/mosquitto.conf"
  run_broker mosquitto-persistent mosquitto -c "$work/mosquitto.conf"
} | tee "$work/results"

echo
printf '%-34s %12s %10s %10s %6s %6s\n' "broker/test" "msgs/s" "p50 us" "p99 us" "lost" "dup"
awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
       printf "%-34s %12s %10s %10s %6s %6s\n", v["label"], v["msgs_per_s"], v["p50_us"], v["p99_us"], v["lost"], v["dup"] }' \
  "$work/results"
