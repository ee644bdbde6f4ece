# The offload function as a container-image AWS Lambda function (packaging/cloud/lambda/template.yaml).
# A plain JRE image with the AWS Lambda Runtime Interface Client as entry point, so no vendor base image is
# needed; the handler class is the image's command.
#   docker build -f packaging/cloud/docker/lambda.Dockerfile -t isthmus/offload-lambda:0.1.0 .
# Locally, with the Runtime Interface Emulator installed: aws-lambda-rie java -cp ... (see AWS's documentation).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q -Dmodels.skip -DskipTests -pl cloud-offload -am package \
 && mkdir -p /out/lib \
 && cp cloud-offload/target/isthmus-cloud-offload-*.jar /out/lib/ \
 && tr ':' '\n' < cloud-offload/target/classpath.txt | xargs -I{} cp {} /out/lib/ \
 && ./mvnw -B -q dependency:copy -Dartifact=com.amazonaws:aws-lambda-java-runtime-interface-client:2.9.0 \
      -DoutputDirectory=/out/lib

FROM eclipse-temurin:17-jre
COPY --from=build /out/lib /opt/isthmus/lib
# models baked into the image (ISTHMUS_MODELS=tail=/opt/isthmus/models/tail.onnx); or give URLs with sha256
COPY models/ /opt/isthmus/models/
ENV ISTHMUS_CACHE_DIR=/tmp/isthmus-models
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-cp", "/opt/isthmus/lib/*", "com.amazonaws.services.lambda.runtime.api.client.AWSLambda"]
CMD ["io.isthmus.offload.lambda.OipLambdaHandler::handleRequest"]
