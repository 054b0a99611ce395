# kickwatch in a container (README, "Run it in a container"); not built by this repository's CI.
# docker build -t kickwatch . && docker run --stop-timeout 30 -e KICK_CHANNELS=... -e DISCORD_WEBHOOK_URL=... \
#   -e DB_URL=... -e DB_API_KEY=... -v kickwatch-data:/data -p 9876:9876 kickwatch
# (--stop-timeout: docker's default of 10 s is shorter than the graceful drain)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY src src
COPY routes routes
COPY application*.properties ./
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /data kickwatch && mkdir -p /data && chown kickwatch /data
COPY --from=build /src/target/kickwatch.jar /opt/kickwatch/kickwatch.jar
USER kickwatch
WORKDIR /data
ENV KICKWATCH_DATA_DIR=/data
VOLUME /data
EXPOSE 9876
# readiness: 503 while Kick or a sink is down (README, "Observe")
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD curl -fsS http://127.0.0.1:9876/observe/health/ready > /dev/null || exit 1
# the JVM options the benchmark measured; SIGTERM (docker stop) drains and exits 0 within 25 s under prod
ENTRYPOINT ["java", "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-jar", "/opt/kickwatch/kickwatch.jar"]
CMD ["--profile", "prod"]
