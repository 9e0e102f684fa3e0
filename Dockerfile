# syntax=docker/dockerfile:1
# Build: docker build -t app-connect-crm-server .
# Run:   docker run -p 6066:6066 --env-file .env app-connect-crm-server

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    PORT=6066 \
    DATABASE_URL=sqlite:/app/data/app-connect.sqlite
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# Shipped connector configs; set CONNECTOR_CONFIG_DIR=/app/connectors to serve them.
COPY --chown=node:node connectors ./connectors
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 6066
VOLUME ["/app/data"]
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||6066)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node as PID 1 (not npm), so SIGTERM reaches the server and it drains before exiting.
# The flags are start:prod's (see bench/README.md#node-flags).
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=25", "--no-allocation-site-pretenuring", "dist/main.js"]
