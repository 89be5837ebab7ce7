#!/usr/bin/env bash
# What fsyncs cost a broker's latency on this machine, whoever issues them: QoS 1 at a fixed
# 16 x 500 msgs/s (mqload, the issue's latency test) against one broker process, three pairs of
# runs, each pair without and then with another process doing RATE fdatasync calls a second
# (200-byte appends to a file in a temp directory on the same disk).
#
# usage: bench/fsync-latency.sh LABEL PORT BROKER-COMMAND...
#   e.g. bench/fsync-latency.sh mosquitto 18830 mosquitto -c ../shared/tools/mqload/mosquitto-bench.conf
#        bench/fsync-latency.sh midge 18831 ./midge broker -c midge-bench.conf
# env:   RATE (default 1200; Midge's writer syncs up to ~2,400 times a second at 8,000 msgs/s),
#        MQLOAD (binary to use). Each line ends with the fsync rate the other process reached.
set -u
label=$1; port=$2; shift 2
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
MQLOAD="${MQLOAD:-$work/mqload}"
[ -x "$MQLOAD" ] || cc -O2 -std=gnu11 -o "$MQLOAD" "$here/../shared/tools/mqload/mqload.c" -lpthread || exit 1
cat > "$work/fsyncer.py" <<'PY'
import os, sys, time
rate, seconds, path = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
start = time.time()
done = 0
while time.time() < start + seconds:
    os.write(fd, b'x' * 200)
    os.fdatasync(fd)
    done += 1
    time.sleep(max(0.0, start + done / rate - time.time()))  # on schedule, not after each sync
print(round(done / (time.time() - start)))
PY
ulimit -n 20000
"$@" > "$work/broker.log" 2>&1 &
broker=$!
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do sleep 0.05; done
sleep 1
load() { "$MQLOAD" --port "$port" --scenario fanin --pubs 16 --subs 1 --qos 1 --inflight 20 --e2e-window 100 "$@"; }
# warm-up: flat out, then at the test's rate
load --duration 5 --warmup 1 --client-prefix w- --quiet >/dev/null 2>&1
load --rate 500 --duration 10 --warmup 1 --client-prefix w- --quiet >/dev/null 2>&1
for round in 1 2 3; do
  for fsyncs in 0 "${RATE:-1200}"; do
    syncer=""
    if [ "$fsyncs" != 0 ]; then
      python3 "$work/fsyncer.py" "$fsyncs" 13 "$work/fsync.bin" > "$work/reached" & syncer=$!
    fi
    result=$(load --rate 500 --duration 10 --warmup 1 --client-prefix r- --broker-pid "$broker" --quiet \
        --drain-idle 20 2>/dev/null | grep RESULT | tr ' ' '\n' | grep -E '^(p50_us|p99_us|lost|broker_cpu_pct)=' | tr '\n' ' ')
    reached=0
    if [ -n "$syncer" ]; then wait "$syncer"; reached=$(cat "$work/reached"); fi
    echo "$label round=$round fsyncs_asked=$fsyncs $result fsyncs_reached=$reached"
    sleep 1
  done
done
kill "$broker"; wait "$broker" 2>/dev/null
