# syntax=docker/dockerfile:1
#
# client-auth: one image for the gRPC server, the browser bridge, or both.
#
#   docker build -t client-auth .
#
# To try it, outside production (the embedded set-up: SQLite and generated keys in
# /app/data, mail written as .eml files to /app/data/mail):
#
#   docker run -p 50051:50051 -p 8000:8000 -e NODE_ENV=development client-auth
#
# The image sets NODE_ENV=production, where start-up refuses to run (exit 78) without a
# key-encryption key, generated once and kept (the stored signing keys open with it
# only), and a mail server; docs/operations.md, "Running the image", has the rest.
#
#   openssl rand -base64 48 > key-encryption-key    # once; back it up
#   export KEY_ENCRYPTION_KEY="$(cat key-encryption-key)"
#   docker run -p 50051:50051 -p 8000:8000 -v client-auth-data:/app/data \
#     -e KEY_ENCRYPTION_KEY \
#     -e SMTP_URL=smtps://mailer:its-password@smtp.example.com \
#     -e SMTP_FROM='Example <no-reply@example.com>' \
#     -e PUBLIC_URL=https://auth.example.com \
#     client-auth
#
# The command after the image picks the role: all (the default: gRPC on 50051, the
# bridge on 8000), server, or bridge (with BRIDGE_GRPC_TARGET=<server host>:50051).
#
# Stages: a toolchain with what native modules need, a full build that compiles the
# TypeScript, a production-only install, and a slim runtime that gets just the last two.

# Node 24 (Active LTS) in every stage, the major .ci/run tests on (test/drift/node-version.test.ts).
# The runtime is the same slim image rather than distroless nodejs24-debian12: the native
# modules compiled below then run on the very Node and glibc that built them, and the
# HEALTHCHECK and ENTRYPOINT find `node` on PATH (docs/operations.md, "Node").
FROM node:24-bookworm-slim AS toolchain
# bcrypt and better-sqlite3 are native: compile them here, from the sources on the npm
# registry, rather than fetch prebuilt binaries from elsewhere at install time.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
# node-gyp takes the headers of the Node in this image instead of downloading them.
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./

FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.build.json ./
COPY gen ./gen
COPY src ./src
COPY bridge ./bridge
# Compile, then bundle the composition root for a faster start and write the
# common-password list (src/build/run-build.ts); main.js runs the bundle, or the compiled
# modules when tracing is on.
RUN npx tsc -p tsconfig.build.json && node dist/src/build/run-build.js

FROM toolchain AS production-dependencies
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# The mail templates (text and HTML), read at start-up.
COPY templates ./templates
# The embedded (SQLite) set-up keeps its files in DATA_DIR (./data); mount a volume there
# to keep them. The MongoDB + Redis set-up writes nothing locally.
RUN mkdir -p /app/data && chown node:node /app/data
# Node's compile cache (ADR 0025): the bundle compiled once here, read back at every start.
# Node keeps it per user, so the service's user fills it (setpriv, of util-linux, which
# Debian always installs); root then takes it and makes it read-only, so that the running
# service reads it but never changes the code it holds.
ENV COMPILE_CACHE_DIR=/app/compile-cache
RUN mkdir -p /app/compile-cache && chown 1000:1000 /app/compile-cache \
    && setpriv --reuid=1000 --regid=1000 --clear-groups node dist/src/main.js compile \
    && chown -R root:root /app/compile-cache && chmod -R a+rX,a-w /app/compile-cache
# The `node` user of the base image, by number so that runAsNonRoot can verify it.
USER 1000:1000
# gRPC, the bridge, and Prometheus metrics when METRICS_PORT=9464.
EXPOSE 50051 8000 9464
# Probes whichever of the gRPC health service and the bridge's /healthz this container
# runs (src/cli/healthcheck.ts), so the same check is right for all, server and bridge.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "dist/src/cli/healthcheck.js"]
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["all"]
