# Multi-stage build of the Council daemon.
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev pkgconf && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
COPY . .
RUN swift build -c release --product council --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/council" /usr/local/bin/council

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 libcurl4 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home council
COPY --from=build /usr/local/bin/council /usr/local/bin/council
USER council
ENV COUNCIL_HOST=0.0.0.0 COUNCIL_PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["council"]
CMD ["serve"]
