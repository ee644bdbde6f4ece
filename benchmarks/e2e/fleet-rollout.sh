#!/usr/bin/env bash
# Fleet rollout at scale: the real console (./isthmus console, embedded PostgreSQL) rolls model versions out to N
# simulated gateways (./isthmus sim gateways, one JVM) over a Mosquitto the script starts on a free port.
#   1. a good version (2.0.0) with the default waves 1/10/50/100% and the default health gate: should complete;
#   2. a bad version (3.0.0) that a share of the gateways runs with a high error rate: the health gate fails the
#      canary's faulty gateways and the rollout should halt by itself and roll them back.
# Every gateway downloads the signed package from the console over HTTP and verifies it with the console's key.
# Prints one line per change of wave and a summary; the times run from the rollout's creation.
# Usage: benchmarks/e2e/fleet-rollout.sh [--count 1000] [--heartbeat 5s] [--fail-fraction 0.2]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
count=1000 heartbeat=5s fail_fraction=0.2
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift 2 ;;
    --heartbeat) heartbeat="$2"; shift 2 ;;
    --fail-fraction) fail_fraction="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
cd "$root"
./mvnw -q -B -DskipTests -Dmodels.skip install -pl console,device-sim -am >&2
[ -f models/vibration-anomaly.onnx ] || { echo "models/vibration-anomaly.onnx is missing: run ./mvnw install first" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; [ -n "${FLEET_BENCH_KEEP:-}" ] || rm -rf "$work"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

mq_port=$(free_port)
printf 'listener %s 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\nmax_queued_messages 10000\n' "$mq_port" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
pids+=($!)
broker="tcp://127.0.0.1:$mq_port"

port=$(free_port)
url="http://127.0.0.1:$port"
token="fleet-bench-$(date +%s)"
ISTHMUS_CONSOLE_ADMIN_TOKEN="$token" ./isthmus console --port "$port" --data "$work/console" --mqtt "$broker" \
  >"$work/console.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 240); do curl -sf "$url/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -sf "$url/health/ready" >/dev/null || { tail -30 "$work/console.log" >&2; exit 1; }
auth=(-H "Authorization: Bearer $token")
echo "console ready at $url, broker $broker" >&2

for v in 2.0.0 3.0.0; do
  curl -sf "${auth[@]}" -F "version=$v" -F "model=@models/vibration-anomaly.onnx" \
    "$url/api/v1/models/vibration-anomaly/versions" >/dev/null
done
curl -sf "${auth[@]}" "$url/api/v1/signing-key" >"$work/console-key.pem"

t0=$(date +%s.%N)
./isthmus sim gateways --broker "$broker" --count "$count" --trusted "$work/console-key.pem" \
  --heartbeat "$heartbeat" --fail-version 3.0.0 --fail-mode errors --fail-fraction "$fail_fraction" \
  --progress 10s >"$work/sim.log" 2>&1 &
sim_pid=$!
pids+=($sim_pid)
while :; do
  n=$(curl -sf "${auth[@]}" "$url/api/v1/gateways?state=online" | json 'd["count"]' 2>/dev/null || echo 0)
  [ "$n" -ge "$count" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { tail -30 "$work/sim.log" >&2; exit 1; }
  sleep 0.5
done
registered=$(python3 -c "import time; print(f'{time.time() - $t0:.1f}')")
echo "registered: $count gateways online in the console ${registered} s after the simulator started" >&2

# roll VERSION out and follow it to its end; prints "state seconds" on stdout
rollout() {
  local version="$1" id start state wave last="" t
  start=$(date +%s.%N)
  id=$(curl -sf "${auth[@]}" -H 'Content-Type: application/json' \
    -d "{\"pipeline\":\"vibration\",\"modelName\":\"vibration-anomaly\",\"modelVersion\":\"$version\"}" \
    "$url/api/v1/rollouts" | json 'd["id"]')
  while :; do
    curl -sf "${auth[@]}" "$url/api/v1/rollouts/$id" >"$work/rollout.json"
    state=$(json 'd["state"]' <"$work/rollout.json")
    wave=$(json '"wave %s: reached %s succeeded %s failed %s rolled back %s" % (d["currentWave"], d["totals"]["reached"], d["totals"]["succeeded"], d["totals"]["failed"], d["totals"].get("rolledBack", 0))' <"$work/rollout.json")
    t=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
    if [ "$wave" != "$last" ]; then echo "  $version +${t}s $state $wave" >&2; last="$wave"; fi
    case "$state" in completed|halted|aborted) break ;; esac
    sleep 0.5
  done
  [ "$state" = completed ] || echo "  reason: $(json 'd.get("reason")' <"$work/rollout.json")" >&2
  echo "$state $t"
}

echo "rollout of 2.0.0 (good) to $count gateways:" >&2
read -r good_state good_s < <(rollout 2.0.0)
echo "rollout of 3.0.0 (errors on ${fail_fraction} of the gateways) to $count gateways:" >&2
read -r bad_state bad_s < <(rollout 3.0.0)
on2=$(curl -sf "${auth[@]}" "$url/api/v1/gateways?version=2.0.0" | json 'd["count"]')
on3=$(curl -sf "${auth[@]}" "$url/api/v1/gateways?version=3.0.0" | json 'd["count"]')
load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "summary: gateways=$count heartbeat=$heartbeat registered_s=$registered good=$good_state in ${good_s} s;" \
  "bad=$bad_state in ${bad_s} s; gateways serving 2.0.0: $on2, 3.0.0: $on3; load average $load"
