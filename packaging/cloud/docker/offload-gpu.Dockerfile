# The offload function's GPU build (onnxruntime_gpu, CUDA 12 + cuDNN 9, linux-x64), for nodes with NVIDIA GPUs.
#   docker build -f packaging/cloud/docker/offload-gpu.Dockerfile -t isthmus/offload-gpu:0.1.0 .
# Run with --provider cuda; without a usable GPU the models run on CPU and /v2 reports it.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -Dmodels.skip -DskipTests -Pgpu -pl cloud-offload -am package \
 && mkdir -p /out/lib \
 && cp cloud-offload/target/isthmus-cloud-offload-*.jar /out/lib/ \
 && tr ':' '\n' < cloud-offload/target/classpath.txt | xargs -I{} cp {} /out/lib/

FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu22.04
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
 && rm -rf /var/lib/apt/lists/* && useradd --system --uid 10001 --home /nonexistent isthmus
COPY --from=build /out/lib /opt/isthmus/lib
USER 10001
ENV PORT=8080 ISTHMUS_OFFLOAD_JAVA_OPTS="-XX:+UseSerialGC -XX:MaxRAMPercentage=50"
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec java $ISTHMUS_OFFLOAD_JAVA_OPTS -cp '/opt/isthmus/lib/*' io.isthmus.offload.cli.OffloadCommand --provider cuda \"$@\"", "--"]
