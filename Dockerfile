# Harbor Notifier: one image for every role. The command picks it:
#   npm start                 web server (+ one delivery worker unless HARBOR_NO_WORKER=1)
#   npm run worker            one delivery worker
#   npm run db:migrate        apply the database migrations and exit
# See docs/deployment.md and docker-compose.yml.

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
# better-sqlite3 compiles with node-gyp when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

# Dependencies first, in a layer that survives source edits. npm ci's postinstall runs
# `prisma generate` for both schemas, which reads prisma.config.ts and the URL helper it imports.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY lib/db/url.ts ./lib/db/url.ts
RUN npm ci

COPY . .
RUN npx prisma generate \
 && npx prisma generate --schema prisma/postgres/schema.prisma \
 && npx next build \
 && npm prune --omit=dev \
 && rm -rf .next/cache

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build --chown=node:node /app ./
# DATA_DIR holds the SQLite database when DATABASE_URL is unset (single-machine use); with
# PostgreSQL and ENCRYPTION_KEY/NEXTAUTH_SECRET set, nothing is written there.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Liveness of the web role (GET /healthz, no database); worker containers override or disable it
# (docker-compose.yml probes the worker's metrics port). Node's fetch: the slim image has no curl.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then((r)=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["npm", "start"]
