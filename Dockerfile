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
COPY scripts ./scripts
RUN npm run build

# Runtime stage: production dependencies only, non-root user, and what packs need at deploy:
#   git, ca-certificates   fetching repositories over https
#   openssh-client         git@host:org/repo.git and ssh:// repositories
#   python3, python3-venv  envs.python: venv (each pack's virtualenv, as st2 pack install makes)
#   python3-pytest         require_tests (the test gate runs pytest; venvs see it via system site-packages)
#   bubblewrap             the sandbox for pip source builds and pack tests (sandbox: auto)
#   tini                   PID 1: signals reach node, zombies of git/pip/ssh are reaped
# No st2 CLI: register with register.st2 or register.http (README, Docker), not register.command.
# scripts/image-check.sh (run by test/image) checks this list and the npm ci line below.
FROM node:20-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates openssh-client python3 python3-venv python3-pytest tini bubblewrap \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    PACKBOT_CONFIG=/etc/packbot/packbot.yaml
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY aliases ./aliases
COPY examples ./examples
# /opt/stackstorm/{packs,virtualenvs}: StackStorm's layout, for a packs_dir shared with a
# StackStorm container (docker-compose.yml); a named volume mounted there starts owned by packbot.
RUN useradd --system --uid 10001 --home-dir /var/lib/packbot --create-home packbot \
 && mkdir -p /etc/packbot /opt/stackstorm/packs /opt/stackstorm/virtualenvs \
 && chown packbot /var/lib/packbot /opt/stackstorm/packs /opt/stackstorm/virtualenvs
USER packbot
VOLUME ["/var/lib/packbot"]
# /healthz answers only when the config has a server: section (PACKBOT_HEALTH_PORT: its port).
# node, since the slim image has no curl. Without server: the probe fails: set one, or override.
ENV PACKBOT_HEALTH_PORT=3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + process.env.PACKBOT_HEALTH_PORT + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/dist/bin/packbot.js"]
CMD ["serve"]
