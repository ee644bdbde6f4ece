# The fleet console (packaging/cloud/helm/isthmus-console deploys it with PostgreSQL).
#   docker build -f packaging/cloud/docker/console.Dockerfile -t isthmus/console:0.1.0 .
# Contract: isthmus console --port 8090 --data DIR --db JDBC_URL --mqtt tcp://host:port, or the environment
# PORT, ISTHMUS_CONSOLE_DB, ISTHMUS_CONSOLE_MQTT, ISTHMUS_CONSOLE_ADMIN_TOKEN; health /health/live, /health/ready.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -Dmodels.skip -DskipTests -pl console -am package \
 && mkdir -p /out/lib \
 && cp console/target/isthmus-console-*.jar /out/lib/ \
 && tr ':' '\n' < console/target/classpath.txt | xargs -I{} cp {} /out/lib/

FROM eclipse-temurin:17-jre
# the console's main class (the one `./isthmus console` runs)
ARG CONSOLE_MAIN=io.isthmus.console.cli.ConsoleCommand
ENV CONSOLE_MAIN=${CONSOLE_MAIN}
RUN useradd --system --uid 10001 --home /nonexistent isthmus && mkdir -p /var/lib/isthmus-console \
 && chown 10001 /var/lib/isthmus-console
COPY --from=build /out/lib /opt/isthmus/lib
USER 10001
ENV PORT=8090
EXPOSE 8090
VOLUME /var/lib/isthmus-console
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -cp '/opt/isthmus/lib/*' $CONSOLE_MAIN \"$@\"", "--", "--data", "/var/lib/isthmus-console"]
