#!/usr/bin/env bash
# Fleet simulator benchmark: how long N simulated gateways (./isthmus sim gateways, one JVM) take to connect,
# and to all adopt a new desired state that a small driver (the console's side, FleetAdoptBench in device-sim's
# test classes) publishes for every one of them at once: each gateway downloads the signed package over HTTP
# (manifest and model file), verifies hash, signature and file digests, activates it and reports. Also the
# simulator's resident memory and CPU time (from /proc) after connecting and after the rollout.
# Starts a Mosquitto of its own on a free port (so that no retained state is left on the machine's broker).
# Usage: benchmarks/e2e/fleet-adopt.sh [--count 1000] [--model-bytes 1048576] [--fetch every|once] [--event-loops 2]
#   [--connect-rate 500]; SIM_JAVA_OPTS (e.g. -Xmx256m) goes to the simulator's JVM.
set -euo pipefail
[ -z "${FLEET_BENCH_TRACE:-}" ] || set -x
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
count=1000 model_bytes=1048576 fetch=every loops=2 rate=500
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --model-bytes) model_bytes="$2"; shift 2 ;;
    --fetch) fetch="$2"; shift 2 ;;
    --event-loops) loops="$2"; shift 2 ;;
    --connect-rate) rate="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
cd "$root"
./mvnw -q -B -DskipTests -Dmodels.skip install -pl device-sim -am >&2
./mvnw -q -B -pl device-sim dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt >&2
sim_cp="device-sim/target/isthmus-device-sim-0.1.0-SNAPSHOT.jar:$(cat device-sim/target/classpath.txt)"
bench_cp="device-sim/target/test-classes:device-sim/target/classes:$(cat device-sim/target/test-classpath.txt)"
work="$(mktemp -d)"
cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c" || true; done; [ -n "${FLEET_BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'listener %s 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\nmax_queued_messages 10000\n' "$port" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
mq_pid=$!
cleanup+=("kill $mq_pid 2>/dev/null")
broker="tcp://127.0.0.1:$port"
sleep 0.5

java -cp "$bench_cp" io.isthmus.sim.fleet.FleetAdoptBench "$broker" "$work" "$count" bench- "$model_bytes" 600 \
  >"$work/driver.json" 2>"$work/driver.log" &
driver_pid=$!
cleanup+=("kill $driver_pid 2>/dev/null")
while [ ! -f "$work/ready" ]; do
  kill -0 "$driver_pid" 2>/dev/null || { cat "$work/driver.log" >&2; exit 1; }
  sleep 0.1
done

cpu_s() { awk '{ printf "%.2f", ($14 + $15) / 100 }' "/proc/$1/stat"; }
rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
hwm_mb() { awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

# shellcheck disable=SC2086
java ${SIM_JAVA_OPTS:-} -cp "$sim_cp" io.isthmus.sim.cli.SimCommand gateways --broker "$broker" --count "$count" --id-prefix bench- \
  --trusted "$work/keys/public.pem" --fetch "$fetch" --event-loops "$loops" --connect-rate "$rate" \
  --progress 2s --json >"$work/sim.json" 2>"$work/sim.log" &
sim_pid=$!
cleanup+=("kill $sim_pid 2>/dev/null")
until grep -q "gateways connected in" "$work/sim.log"; do
  kill -0 "$sim_pid" 2>/dev/null || { cat "$work/sim.log" >&2; exit 1; }
  sleep 0.05
done
connected_cpu=$(cpu_s "$sim_pid") connected_rss=$(rss_mb "$sim_pid")
wait "$driver_pid" || { cat "$work/driver.log" >&2; exit 1; }
sleep 1
adopted_cpu=$(cpu_s "$sim_pid") adopted_rss=$(rss_mb "$sim_pid") peak_rss=$(hwm_mb "$sim_pid")
kill -TERM "$sim_pid" # the shutdown hook stops the gateways and prints the summary
wait "$sim_pid" || true
grep "connected in" "$work/sim.log" >&2
echo "driver: $(cat "$work/driver.json")"
echo "sim: connected: cpu ${connected_cpu}s rss ${connected_rss}MB; after adoption: cpu ${adopted_cpu}s rss ${adopted_rss}MB; peak rss ${peak_rss}MB"
echo "sim summary: $(tail -1 "$work/sim.json")"
echo "load average at the end (other processes on the machine): $(cut -d' ' -f1-3 /proc/loadavg)"
