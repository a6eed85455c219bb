# syntax=docker/dockerfile:1
# openai-gemini-sidecar container image.
#
#   docker build -t openai-gemini-sidecar:0.1.0 .
#   docker run --rm --read-only -p 8080:8080 -p 9090:9090 -e GEMINI_API_KEY=... openai-gemini-sidecar:0.1.0
#
# Three stages: `build` compiles TypeScript with the full dev toolchain, `prod-deps` installs production
# dependencies only, and the runtime stage gets nothing but dist/sidecar, config/, package.json and those
# production node_modules. test/deploy/dockerfile.test.ts checks these properties and replays the stages
# (docker itself cannot run on the CI machines).

# Node 24 LTS, major pinned; pin a digest in your own registry mirror if you need byte-for-byte rebuilds.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Install scripts stay on here: the `node` devDependency installs its binary in a preinstall script, and npm
# puts node_modules/.bin first on PATH for `npm run build`. None of this reaches the runtime stage.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY sidecar ./sidecar
RUN npm run build

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /src
COPY package.json package-lock.json ./
# A clean production install: no devDependencies (so no `node` binary package, TypeScript or jest), and no
# install scripts (no production dependency needs one; package.json allowScripts lists only dev tools).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and not writable by the runtime user: the image works with readOnlyRootFilesystem: true. The
# process writes nothing to disk (logs go to stdout); a Unix socket (SOCKET_PATH) belongs in a mounted emptyDir.
COPY --from=prod-deps /src/node_modules ./node_modules
COPY --from=build /src/dist/sidecar ./dist/sidecar
COPY config ./config
COPY package.json ./
# Numeric, so Kubernetes runAsNonRoot can verify it without a passwd entry.
USER 10001:10001
# 8080: OpenAI-compatible API (PORT). 9090: admin /healthz /readyz /metrics (ADMIN_PORT).
EXPOSE 8080 9090
# No HEALTHCHECK: the Helm chart's probes call /healthz and /readyz on 9090.
#
# PID 1 is Node itself, with no tini: main.ts installs SIGTERM and SIGINT handlers (readiness off, drain,
# exit 0), so the kernel's "PID 1 ignores signals without a handler" rule never applies to the signals that
# matter, and the sidecar starts no child processes that would need reaping. The exec form below (not
# `npm start`, not a shell) is what makes the signal reach Node: npm or /bin/sh as PID 1 would not forward
# it, and `npm start` would also rebuild (prestart) and write npm logs.
CMD ["node", "--require", "./dist/sidecar/observability/instrumentation.js", "dist/sidecar/main.js"]
