# The edge agent in a container, for gateways that run containers (balena, k3s) instead of the Debian package.
# Multi-architecture (linux/amd64, linux/arm64: ONNX Runtime's jar carries both natives):
#   docker buildx build --platform linux/amd64,linux/arm64 -f packaging/cloud/docker/agent.Dockerfile \
#     -t isthmus/agent:0.1.0 .
# Run: docker run --network host -v /etc/isthmus:/etc/isthmus:ro -v isthmus-data:/var/lib/isthmus isthmus/agent:0.1.0
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -Dmodels.skip -DskipTests -pl edge-agent -am package \
 && mkdir -p /out/lib \
 && cp edge-agent/target/isthmus-edge-agent-*.jar /out/lib/ \
 && tr ':' '\n' < edge-agent/target/classpath.txt | xargs -I{} cp {} /out/lib/

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home /var/lib/isthmus isthmus && mkdir -p /var/lib/isthmus \
 && chown 10001 /var/lib/isthmus
COPY --from=build /out/lib /opt/isthmus/lib
COPY packaging/agent-deb/src/deb/etc/agent.yaml /etc/isthmus/agent.yaml
USER 10001
ENV ISTHMUS_AGENT_JAVA_OPTS="-XX:+UseSerialGC -Xms16m -Xmx128m -XX:ReservedCodeCacheSize=48m -Xss512k"
VOLUME /var/lib/isthmus
HEALTHCHECK CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
ENTRYPOINT ["sh", "-c", "exec java $ISTHMUS_AGENT_JAVA_OPTS -cp '/opt/isthmus/lib/*' io.isthmus.agent.AgentMain \"$@\"", "--"]
CMD ["--config", "/etc/isthmus/agent.yaml"]
