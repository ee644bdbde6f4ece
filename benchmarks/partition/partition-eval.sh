#!/usr/bin/env bash
# The partitioning evaluation (docs/partitioning.md, "Evaluation"): a gateway throttled with a
# cgroup v1 CPU quota and an unthrottled "cloud" on the same machine each profile the model and time
# the whole model and one half of every candidate cut; a plan is made from the two measured
# profiles; the report adds the plan's network model to the measured times for the three network
# profiles, and sends the traffic of the key cuts through a user-space proxy shaped like each network.
#
# Usage: benchmarks/partition/partition-eval.sh MODEL_ID [INPUT_SHAPE] [QUOTA_US (default 1000, at least 1000)] [PERIOD_US (default 4000)]
#   e.g. benchmarks/partition/partition-eval.sh blazeface-front-128
#        benchmarks/partition/partition-eval.sh pp-ocr-cls x=1,3,48,192
# Needs root (cgroup and nice -n -5) and benchmarks/target/benchmarks.jar:
#   ./mvnw -q -DskipTests -Dmodels.skip package -pl benchmarks -am
set -euo pipefail
id=$1
shape=${2:-}
quota=${3:-1000}
period=${4:-4000}
model=models/$id.onnx
jar=benchmarks/target/benchmarks.jar
out=target/partition-eval/$id-$quota-$period
mkdir -p "$out"
shape_args=()
[ -n "$shape" ] && shape_args=(--input-shape "$shape")
main=io.isthmus.benchmarks.partition.PartitionLatency

group=/sys/fs/cgroup/cpu/isthmus-gateway
mkdir -p "$group"
trap 'rmdir "$group" 2>/dev/null || true' EXIT # the group is empty once the gateway JVM exits
echo -1 > "$group/cpu.cfs_quota_us" # unlimited first, so any period is accepted
echo "$period" > "$group/cpu.cfs_period_us"
echo "$quota" > "$group/cpu.cfs_quota_us"
echo "gateway cgroup: cpu.cfs_quota_us=$quota per cpu.cfs_period_us=$period"

measure() { # side, extra args...
  local side=$1; shift
  java -cp "$jar" "$main" measure --side "$side" --model "$model" "${shape_args[@]}" \
    --warmup 10 --runs 30 --profile-out "$out/$side-profile.json" --out "$out/$side-times.tsv" "$@"
}
gateway() { # runs the gateway side inside the throttled cgroup
  nice -n -5 bash -c "echo \$\$ > $group/cgroup.procs; exec \"\$@\"" gateway "$@"
}
uptime
gateway bash -c "$(declare -f measure); jar=$jar main=$main model=$model out=$out; shape_args=(${shape_args[*]:-}); measure gateway"
nice -n -5 bash -c "$(declare -f measure); jar=$jar main=$main model=$model out=$out; shape_args=(${shape_args[*]:-}); measure cloud"
uptime

partition() { java -cp "$jar" io.isthmus.partitioner.cli.PartitionCommand "$@"; }
# Plan 1: the gateway's profile as the profiler measured it inside the cgroup.
partition plan "$model" "${shape_args[@]}" \
  --edge-profile "$out/gateway-profile.json" --cloud-profile "$out/cloud-profile.json" \
  --network bw=20mbit,rtt=40ms --out "$out/plan-profiled.json" | tee "$out/plan-profiled.txt"
# Plan 2: the cloud's profile slowed by the whole model's measured gateway/cloud mean time ratio.
factor=$(awk -F'\t' '$1=="all"{print $4}' "$out/cloud-times.tsv" "$out/gateway-times.tsv" | paste -sd/ | bc -l)
partition profile --derive-from "$out/cloud-profile.json" --speed-factor "$factor" \
  --device-name gateway-derived --out "$out/gateway-derived.json"
partition plan "$model" "${shape_args[@]}" \
  --edge-profile "$out/gateway-derived.json" --cloud-profile "$out/cloud-profile.json" \
  --network bw=20mbit,rtt=40ms --out "$out/plan-derived.json" | tee "$out/plan-derived.txt"
python3 -c "import json; g=json.load(open('$out/gateway-profile.json'))['totalMs']; c=json.load(open('$out/cloud-profile.json'))['totalMs']; print(f'profiled: gateway {g:.3f} ms, cloud {c:.3f} ms, ratio {g/c:.2f}; whole-model runs (mean): speed factor $factor')" | tee "$out/speed.txt"
report() { # plan, stat, extra args...
  java -cp "$jar" "$main" report --model "$model" "${shape_args[@]}" --plan "$out/plan-$1.json" \
    --gateway "$out/gateway-times.tsv" --cloud "$out/cloud-times.tsv" --stat "$2" \
    --out "$out/report-$1-$2.md" "${@:3}"
}
report profiled median
report profiled mean
# The derived plan's reports also send the traffic of all-cloud, the chosen and the best cut
# through the shaped proxy (ShapedProxy) for each network.
report derived median --proxy-runs 20
report derived mean --proxy-runs 20
