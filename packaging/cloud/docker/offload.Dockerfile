# The offload function (OIP v2 server) for Knative or any container platform, CPU build.
# Build from the repository root (documented, not built by the Maven build: it needs a Docker engine):
#   docker build -f packaging/cloud/docker/offload.Dockerfile -t isthmus/offload:0.1.0 .
# Run: docker run -p 8080:8080 -v $PWD/models:/models isthmus/offload:0.1.0 --model tail=/models/tail.onnx
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -Dmodels.skip -DskipTests -pl cloud-offload -am package \
 && mkdir -p /out/lib \
 && cp cloud-offload/target/isthmus-cloud-offload-*.jar /out/lib/ \
 && tr ':' '\n' < cloud-offload/target/classpath.txt | xargs -I{} cp {} /out/lib/

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home /nonexistent isthmus
COPY --from=build /out/lib /opt/isthmus/lib
USER 10001
# Knative sets PORT; the server reads it (default 8080)
ENV PORT=8080 ISTHMUS_OFFLOAD_JAVA_OPTS="-XX:+UseSerialGC -XX:MaxRAMPercentage=60"
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec java $ISTHMUS_OFFLOAD_JAVA_OPTS -cp '/opt/isthmus/lib/*' io.isthmus.offload.cli.OffloadCommand \"$@\"", "--"]
