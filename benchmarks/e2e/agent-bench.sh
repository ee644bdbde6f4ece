#!/usr/bin/env bash
# End-to-end benchmark of the edge agent's hot path, driven by the device simulator.
# Starts the agent (config: benchmarks/e2e/agent-mosquitto.yaml, the broker at 127.0.0.1:1883 by default),
# records its start-to-ready time, warms it up, then runs the simulator at each rate and prints one Markdown
# table row per rate with the agent's overhead (ingest to publish less inference, from each result's latency
# breakdown), end-to-end latency, throughput, losses, the agent's resident memory, the agent's CPU time per
# answered event (user + system, from /proc; less sensitive than latency to other processes on the machine)
# and its young-generation collections during the run (jstat).
# Usage: benchmarks/e2e/agent-bench.sh [--config FILE] [--own-broker] [--duration 20s] [--warmup 15s] [RATE...]
# --own-broker starts a Mosquitto of its own on a free port with set_tcp_nodelay true (Mosquitto's default
# leaves Nagle's algorithm on, which adds up to ~40 ms per hop at low rates) and points the agent at it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
config="$root/benchmarks/e2e/agent-mosquitto.yaml"
duration=20s warmup=15s rates=() own_broker=0
while [ $# -gt 0 ]; do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --own-broker) own_broker=1; shift ;;
    *) rates+=("$1"); shift ;;
  esac
done
[ ${#rates[@]} -gt 0 ] || rates=(100 1000)
cd "$root"
./mvnw -q -B -DskipTests install -pl edge-agent,device-sim -am >&2
sim_cp="device-sim/target/isthmus-device-sim-0.1.0-SNAPSHOT.jar:$(cat device-sim/target/classpath.txt)"
log="$(mktemp)"
cleanup=()
trap 'for c in "${cleanup[@]}"; do eval "$c" || true; done' EXIT
if [ "$own_broker" = 1 ]; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mq_conf="$(mktemp)"
  printf 'listener %s 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n' "$port" >"$mq_conf"
  mosquitto -c "$mq_conf" >/dev/null 2>&1 &
  mq_pid=$!
  cleanup+=("kill $mq_pid 2>/dev/null; rm -f '$mq_conf'")
  own_config="$(dirname "$config")/.bench-own-broker.yaml"
  sed "s#uri: tcp://127.0.0.1:1883#uri: tcp://127.0.0.1:$port#" "$config" >"$own_config"
  cleanup+=("rm -f '$own_config'")
  config="$own_config"
  sleep 0.5
  echo "own Mosquitto (set_tcp_nodelay true) on port $port" >&2
fi
start_ns=$(date +%s%N)
# the launcher's JVM options (class data sharing, ONNX Runtime's unpacked natives, a small heap) are what is measured
"$root/isthmus" agent --config "$config" >"$log" 2>&1 &
agent=$!
cleanup=("kill $agent 2>/dev/null; wait $agent 2>/dev/null; rm -f '$log'" "${cleanup[@]}")
until grep -q '^isthmus agent ready:' "$log"; do
  kill -0 $agent 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 0.02
done
ready_ns=$(date +%s%N)
ready="$(grep -m1 '^isthmus agent ready:' "$log")"
broker="$(sed -n 's/.* broker=\([^ ]*\) .*/\1/p' <<<"$ready")"
version=5; case "$(grep -E '^\s+version:' "$config" | head -1)" in *3.1.1*) version=3 ;; esac
echo "start to ready: $(( (ready_ns - start_ns) / 1000000 )) ms wall clock from process start; agent says: ${ready#isthmus agent ready: }" >&2
rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' /proc/$agent/status; }
cpu_ticks() { awk '{print $14 + $15}' /proc/$agent/stat; }
young_gcs() { jstat -gc $agent 2>/dev/null | awk 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "YGC") c = i} NR == 2 {print $c}'; }
sim() {
  java -cp "$sim_cp" io.isthmus.sim.cli.SimCommand run --broker "$broker" --mqtt-version $version --qos 1 \
    --profile vibration --load poisson --devices 10 --quiet --json "$@" | tail -1
}
echo "warm-up: $warmup at 500 events/s, RSS after start $(rss) MB" >&2
sim --rate 500 --duration "$warmup" --seed 99 >/dev/null
echo "| offered events/s | sent | answered | lost | dup | throughput/s | overhead p50 ms | overhead p99 ms | e2e p50 ms | e2e p99 ms | RSS MB | agent CPU us/event | young GCs |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
seed=1
for rate in "${rates[@]}"; do
  ticks_before=$(cpu_ticks) gcs_before=$(young_gcs)
  json="$(sim --rate "$rate" --duration "$duration" --seed $seed)"
  ticks=$(( $(cpu_ticks) - ticks_before )) gcs=$(( ${gcs_before:+$(young_gcs) - gcs_before} ))
  seed=$((seed + 1))
  python3 - "$rate" "$(rss)" "$json" "$ticks" "$(getconf CLK_TCK)" "$gcs" <<'PY'
import json, sys
rate, rss, r = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
ticks, hz, gcs = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
o, l = r["agentOverheadMs"], r["latencyMs"]
cpu_us = ticks / hz * 1e6 / max(1, r["received"])
print(f"| {rate} | {r['sent']} | {r['received']} | {r['lost']} | {r['duplicated']} | {r['throughputPerS']:.0f} | "
      f"{o['p50']:.3f} | {o['p99']:.3f} | {l['p50']:.2f} | {l['p99']:.2f} | {rss} | {cpu_us:.0f} | {gcs} |")
PY
done
echo "peak RSS (VmHWM): $(awk '/VmHWM/ {printf "%.0f", $2/1024}' /proc/$agent/status) MB" >&2
