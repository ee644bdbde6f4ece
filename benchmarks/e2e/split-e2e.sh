#!/usr/bin/env bash
# End to end through the real agent and the real cloud function (docs/benchmarks.md, "Split pipeline end to
# end"): BlazeFace frames go over MQTT to the agent, a JVM in a cgroup v1 CPU group (the gateway: a quarter
# of one core by default, as in benchmarks/partition/partition-eval.sh), which runs the whole model
# (all-edge), sends its input to the cloud (all-cloud), runs the head of the cut and sends the cut tensors
# (split), or lets its adaptive policy choose among the three (adaptive). The cloud is `./isthmus offload`,
# unthrottled, behind ShapedProxy for each network profile (this kernel has no netem). Closed loop: IN_FLIGHT
# events outstanding for SECONDS per configuration, after 20 warm-up events.
#
# Usage: benchmarks/e2e/split-e2e.sh [MODEL] [CUT_TENSORS] [SECONDS] [IN_FLIGHT] [QUOTA_US] [PERIOD_US]
#   defaults: models/blazeface-front-128.onnx, the cut of docs/partitioning.md, 15, 4, 1000, 4000
#   QUOTA_US -1 runs the gateway unthrottled (no root needed).
# Writes target/split-e2e/split-e2e.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
model=${1:-models/blazeface-front-128.onnx}
cut=${2:-StatefulPartitionedCall/functional_1/re_lu_1/Relu:0,StatefulPartitionedCall/functional_1/max_pooling2d/MaxPool:0}
seconds=${3:-15}
inflight=${4:-4}
quota=${5:-1000}
period=${6:-4000}
[ -f "$model" ] || { echo "no model at $model: run ./isthmus models fetch blazeface-front-128" >&2; exit 2; }
./mvnw -q -B -DskipTests -Dmodels.skip install -pl cloud-offload,edge-agent -am >&2
./mvnw -q -B -DskipTests -Dmodels.skip package -pl benchmarks >&2
jar=benchmarks/target/benchmarks.jar
out=target/split-e2e
mkdir -p "$out"

procs=-
if [ "$quota" != "-1" ]; then
  group=/sys/fs/cgroup/cpu/isthmus-gateway
  mkdir -p "$group"
  trap 'rmdir "$group" 2>/dev/null || true' EXIT # empty once the agent JVMs exited
  echo -1 > "$group/cpu.cfs_quota_us"
  echo "$period" > "$group/cpu.cfs_period_us"
  echo "$quota" > "$group/cpu.cfs_quota_us"
  echo "gateway cgroup: cpu.cfs_quota_us=$quota per cpu.cfs_period_us=$period"
  procs=$group/cgroup.procs
fi
uptime
java -cp "$jar" io.isthmus.benchmarks.e2e.SplitE2e "$model" "$cut" "$seconds" "$inflight" "$procs" "$out" "$jar"
uptime
cat "$out/split-e2e.md"
