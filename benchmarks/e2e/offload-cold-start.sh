#!/usr/bin/env bash
# Cold start of the cloud inference function: from launching the JVM to the first answered inference
# (poll /v2/health/ready, then post one JSON inference), median of RUNS starts per JVM configuration.
#   benchmarks/e2e/offload-cold-start.sh [MODEL_FILE] [INPUT_NAME] [DIMS] [RUNS]
# defaults: models/vibration-anomaly.onnx window 1,256 5
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
model="${1:-models/vibration-anomaly.onnx}" input="${2:-window}" dims="${3:-1,256}" runs="${4:-5}"
[ -f "$model" ] || { echo "no model at $model: run ./isthmus models fetch (or ./isthmus demo fits vibration-anomaly)" >&2; exit 2; }
./mvnw -q -B -pl cloud-offload -am install -DskipTests -Dmodels.skip >&2
cp="cloud-offload/target/isthmus-cloud-offload-0.1.0-SNAPSHOT.jar:$(cat cloud-offload/target/classpath.txt)"
work="$(mktemp -d "${TMPDIR:-/tmp}/isthmus-cold-start.XXXXXX")"
trap 'rm -rf "$work"' EXIT
port=18432

# One JSON request of the given shape, values 0.001 * i.
awk -v name="$input" -v dims="$dims" 'BEGIN {
  n = split(dims, d, ","); count = 1; shape = ""
  for (i = 1; i <= n; i++) { count *= d[i]; shape = shape (i > 1 ? "," : "") d[i] }
  printf "{\"inputs\":[{\"name\":\"%s\",\"datatype\":\"FP32\",\"shape\":[%s],\"data\":[", name, shape
  for (i = 0; i < count; i++) printf "%s%.3f", (i ? "," : ""), i * 0.001
  printf "]}]}"
}' >"$work/request.json"

now_ms() { date +%s%3N; }

# start_once JAVA_OPTS... : prints "ready_ms first_inference_ms"
start_once() {
  local t0 pid ready="" first=""
  t0=$(now_ms)
  # shellcheck disable=SC2068
  java $@ -cp "$cp" io.isthmus.offload.cli.OffloadCommand --model "m=$model" --host 127.0.0.1 --port "$port" \
    --cache-dir "$work/cache" >"$work/log" 2>&1 &
  pid=$!
  while [ -z "$ready" ]; do
    kill -0 "$pid" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
    curl -sf -o /dev/null "http://127.0.0.1:$port/v2/health/ready" && ready=$(( $(now_ms) - t0 ))
  done
  curl -sf -o /dev/null -H 'Content-Type: application/json' --data-binary @"$work/request.json" \
    "http://127.0.0.1:$port/v2/models/m/infer"
  first=$(( $(now_ms) - t0 ))
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  echo "$ready $first"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

measure() { # label, JAVA_OPTS...
  local label="$1"; shift
  : >"$work/times"
  for _ in $(seq 1 "$runs"); do start_once "$@" >>"$work/times"; done
  printf '%-58s ready %5s ms   first inference %5s ms   (median of %s)\n' "$label" \
    "$(cut -d' ' -f1 "$work/times" | median)" "$(cut -d' ' -f2 "$work/times" | median)" "$runs"
}

# ONNX Runtime extracts its native library to a temporary file on every start unless given a folder.
ort_jar="$(tr ':' '\n' <<<"$cp" | grep -m1 '/onnxruntime-[0-9.]*\.jar$')"
mkdir -p "$work/ort" && unzip -o -j -q "$ort_jar" 'ai/onnxruntime/native/linux-x64/*' -d "$work/ort"
ort="-Donnxruntime.native.path=$work/ort"
# AppCDS: a training run records the loaded classes into an archive at exit; later runs map it.
start_once -XX:ArchiveClassesAtExit="$work/offload.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off >/dev/null
cds="-XX:SharedArchiveFile=$work/offload.jsa -Xlog:cds=off"
fast="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

echo "model $model, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"
measure "JVM defaults"
measure "+ ONNX Runtime native library cached" "$ort"
measure "+ AppCDS archive" "$ort" "$cds"
measure "+ C1 only, serial GC" "$ort" "$cds" "$fast"
