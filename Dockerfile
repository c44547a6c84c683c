# syntax=docker/dockerfile:1
# Build stage: full dev dependencies, compile TypeScript.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY adapters ./adapters
COPY bench ./bench
COPY bin ./bin
RUN npm run build

# Runtime stage: production dependencies only, git for fetching packs, non-root user.
FROM node:20-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates tini bubblewrap \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    PACKBOT_CONFIG=/etc/packbot/packbot.yaml
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY aliases ./aliases
COPY examples ./examples
RUN useradd --system --uid 10001 --home-dir /var/lib/packbot --create-home packbot \
 && mkdir -p /etc/packbot && chown packbot /var/lib/packbot
USER packbot
VOLUME ["/var/lib/packbot"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/bin/packbot.js"]
CMD ["serve"]
