#!/usr/bin/env bash
# Batching benchmark of the cloud inference function: throughput and p99 at a fixed concurrency, with
# batching off (max batch 1) and on, for one model. The configurations take turns for ROUNDS rounds, so a
# change in the machine's load hits all of them alike; one line per configuration and round.
#   benchmarks/e2e/offload-batching.sh [MODEL_FILE] [DIMS] [CONCURRENCY] [SECONDS] [ROUNDS]
# defaults: models/pp-ocr-cls.onnx 1,3,48,192 8 20 3
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
model="${1:-models/pp-ocr-cls.onnx}" dims="${2:-1,3,48,192}" concurrency="${3:-8}" seconds="${4:-20}" rounds="${5:-3}"
[ -f "$model" ] || { echo "no model at $model: run ./isthmus models fetch" >&2; exit 2; }
./mvnw -q -B -pl cloud-offload -am install -DskipTests -Dmodels.skip >&2
./mvnw -q -B -pl cloud-offload test-compile -Dmodels.skip >&2
cp="cloud-offload/target/classes:$(cat cloud-offload/target/classpath.txt)"
driver_cp="cloud-offload/target/test-classes:$cp"
port=18431

bench() { # label, server options...
  local label="$1"; shift
  local log; log="$(mktemp)"
  java -cp "$cp" io.isthmus.offload.cli.OffloadCommand --model "m=$model" --host 127.0.0.1 --port "$port" \
    --cache-dir "${TMPDIR:-/tmp}/isthmus-bench-cache" "$@" >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 600); do grep -q 'isthmus offload ready' "$log" && break; sleep 0.1; done
  grep -q 'isthmus offload ready' "$log" || { cat "$log" >&2; kill "$pid"; exit 1; }
  printf '%-42s load %5s  ' "$label" "$(cut -d' ' -f1 /proc/loadavg)"
  java -cp "$driver_cp" io.isthmus.offload.bench.OipLoadDriver "http://127.0.0.1:$port" m "$concurrency" "$seconds" "$dims" \
    | tr -d '\n'
  # the server's own view: rows per model run and model time per row, over warm-up and measurement
  curl -s "http://127.0.0.1:$port/metrics" | awk '
    /^isthmus_offload_batch_size_sum/ { rows = $2 } /^isthmus_offload_batch_size_count/ { runs = $2 }
    /^isthmus_offload_batch_run_seconds_sum/ { secs = $2 }
    END { if (runs > 0) printf " rows/run=%.2f model-ms/row=%.3f\n", rows / runs, 1000 * secs / rows }'
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; rm -f "$log"
}

for round in $(seq 1 "$rounds"); do
  bench "round $round: max batch 1" --max-batch 1 --instances 2
  bench "round $round: max batch 8, delay 2 ms" --max-batch 8 --max-queue-delay-ms 2 --instances 2
  bench "round $round: adaptive, p99 target 50 ms" --max-batch 16 --p99-target-ms 50 --instances 2
  bench "round $round: max batch 8, 1 run x 2 threads" --max-batch 8 --max-queue-delay-ms 2 --instances 1 --threads 2
done
