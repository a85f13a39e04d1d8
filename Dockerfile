# syntax=docker/dockerfile:1
# The chat server with its web client, in one image:
#   docker build -t chat .
#   docker run -p 3000:3000 -v chat-data:/data chat                      # embedded database in /data
#   docker run -p 3000:3000 -e DATABASE_URL=… -e REDIS_URL=… -e JWT_SECRET=… chat
# Stage 1 installs from the lockfile and builds; stage 2 keeps only the production dependencies;
# the last stage holds the built server, the built web client, the migrations and those.

FROM node:20-bookworm-slim AS base
ENV CI=true
RUN npm install --global pnpm@10.34.9 && npm cache clean --force
WORKDIR /app

FROM base AS build
COPY . .
RUN pnpm install --frozen-lockfile
RUN pnpm build

FROM build AS prod-deps
# The same lockfile, without devDependencies: the compilers and test tools are left behind.
RUN pnpm install --frozen-lockfile --prod

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# The server finds the repository root (and so apps/web/dist) by pnpm-workspace.yaml.
COPY --from=prod-deps /app/package.json /app/pnpm-workspace.yaml ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=prod-deps /app/packages/db/package.json ./packages/db/
COPY --from=prod-deps /app/packages/db/migrations ./packages/db/migrations
COPY --from=prod-deps /app/packages/db/node_modules ./packages/db/node_modules
COPY --from=prod-deps /app/apps/server/package.json ./apps/server/
COPY --from=prod-deps /app/apps/server/node_modules ./apps/server/node_modules
COPY --from=prod-deps /app/apps/server/dist ./apps/server/dist
COPY --from=prod-deps /app/apps/web/dist ./apps/web/dist
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/server/dist/main.js"]
