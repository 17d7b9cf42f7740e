# One image for every service: `start` runs the all-in-one host, `start scim-api` (or
# export-worker, import-worker, cache) one service.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig*.json ./
COPY apps apps
COPY libs libs
# dist/libs/testing is the test harness (it starts slapd, PostgreSQL, 389 DS... for tests and
# benchmarks); the services never load it, so it stays out of the image
RUN npm run build && rm -rf dist/libs/testing && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY bin bin
COPY config config
COPY examples examples
COPY scripts/init-demo.mjs scripts/docker-entrypoint.sh scripts/
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 8585
ENTRYPOINT ["scripts/docker-entrypoint.sh"]
CMD ["start", "--config", "config/demo.yaml"]
