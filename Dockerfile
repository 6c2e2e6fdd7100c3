# syntax=docker/dockerfile:1

# ---- build: install everything, compile TypeScript, then drop dev dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 is a native module: npm ci downloads a prebuilt binary when one matches, and compiles it with these
# tools when none does (or when the download is blocked).
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
# Manifests first, so the dependency layer is reused while only the sources change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
  && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: compiled code and production dependencies only, as an unprivileged user ----
FROM node:20-bookworm-slim AS runtime
# The heap cap (as in `npm start`, see the README's Performance section): V8 collects before garbage piles up.
ENV NODE_ENV=production \
    PORT=3000 \
    HOST=0.0.0.0 \
    NODE_OPTIONS=--max-old-space-size=384
WORKDIR /app
# Same base image as the build stage, so the native binaries compiled there load here.
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# The default SQLITE_PATH is ./data/…; the folder must exist and belong to the runtime user so a named volume mounted
# there inherits that ownership.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# The slim image has no curl; Node 20 has fetch. /health answers 503 while the event store is unreachable.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# V8 lets the old generation double between collections (as in `npm start`; not allowed in NODE_OPTIONS).
CMD ["node", "--heap-growing-percent=100", "dist/main.js"]
