#!/usr/bin/env bash
# A self-contained Java runtime for the edge agent with only the modules it needs (jdeps + jlink).
#
#   packaging/jlink/build-runtime.sh [--jmods DIR] [--out DIR]
#
# Run after `./mvnw -pl packaging/agent-deb -am package` (it reads the agent's jars from the package's staging
# folder). The runtime is for the architecture of the JDK whose jmods it links: the running JDK's by default;
# for another architecture (a Raspberry Pi from an x86-64 build machine) pass --jmods with the jmods folder of
# a JDK 17 for linux-aarch64 (same version as the running jlink). Run the agent with it:
#   OUT/bin/java -cp 'LIB/*:LIB/onnxruntime' io.isthmus.agent.AgentMain --config agent.yaml
# or set JAVA_HOME=OUT for /usr/bin/isthmus-agent.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
jmods="$java_home/jmods"
out="packaging/jlink/target/runtime-$(uname -m)"
while [ $# -gt 0 ]; do
  case "$1" in
    --jmods) jmods="$2"; out="packaging/jlink/target/runtime-$(basename "$(dirname "$2")")"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
lib=packaging/agent-deb/target/deb-stage/lib
[ -d "$lib" ] || { echo "no $lib: run ./mvnw -pl packaging/agent-deb -am package -DskipTests first" >&2; exit 1; }
[ -d "$jmods" ] || { echo "no jmods at $jmods (a JDK, not a JRE, is needed)" >&2; exit 1; }

ort=packaging/agent-deb/target/deb-stage/onnxruntime/onnxruntime.jar
classpath="$(find "$lib" -name '*.jar' | sort | tr '\n' ':')$ort"

# the modules the jars need, in one jdeps run (about a minute); --ignore-missing-deps: optional integrations
# (Netty's, DJL's) name classes of libraries that are not on the classpath and never loaded. commons-compress is
# left out: a named module whose descriptor requires modules that are absent (jdeps refuses it), and it needs
# nothing beyond java.base.
plain="$(find "$lib" -name '*.jar' ! -name 'commons-compress-*' | sort | tr '\n' ' ')"
modules="$("$java_home/bin/jdeps" -q --multi-release 17 --ignore-missing-deps --print-module-deps \
  --class-path "$classpath" $plain "$ort")"
# reflective and service-loaded needs jdeps cannot see: JMX metrics, DNS lookups by name, TLS providers
modules="$modules,jdk.management,jdk.naming.dns,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.zipfs"
modules="$(echo "$modules" | tr ',' '\n' | grep -v '^$' | sort -u | paste -sd, -)"
echo "modules: $modules"

rm -rf "$out"
"$java_home/bin/jlink" --module-path "$jmods" --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out"
echo "runtime: $out ($(du -sh "$out" | cut -f1)); $("$out/bin/java" -version 2>&1 | head -1 || echo 'another architecture')"
