# Switchboard container image.
#   docker build -t switchboard .
#   docker run --network host switchboard          (SIP, RTP and HTTP on the host's addresses)
# Configuration: SWITCHBOARD_CONFIG (comma-separated YAML files, default config/demo.yaml) and
# SWITCHBOARD_* variables (config/README.md). Mount your own config at /app/config/site.yaml and set
# SWITCHBOARD_CONFIG=config/site.yaml.

# ---- build: compile the server and bundle the softphone ----------------------------------------
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json* ./
RUN npm ci || npm install
COPY tsconfig.json tsconfig.build.json ./
COPY config ./config
COPY media ./media
COPY server ./server
COPY softphone ./softphone
COPY scripts/bin-modes.mjs ./scripts/
RUN npm run build

# ---- runtime: production dependencies, the compiled app, the embedded rtpengine ---------------
FROM node:20-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends rtpengine-daemon \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json* ./
RUN (npm ci --omit=dev || npm install --omit=dev) && npm cache clean --force
COPY --from=build /src/dist ./dist
COPY --from=build /src/softphone/dist ./softphone/dist
COPY media/assets ./media/assets
COPY config ./config
RUN groupadd --system switchboard \
 && useradd --system --gid switchboard --home-dir /app --shell /usr/sbin/nologin switchboard \
 && mkdir -p /app/recordings /app/data && chown switchboard:switchboard /app/recordings /app/data
USER switchboard
# HTTP (softphone, API, /healthz /readyz /metrics), SIP UDP/TCP, SIP over WebSocket; RTP uses
# media.rtpengine.portMin–portMax (UDP, default 30000–30999): publish them or use host networking.
EXPOSE 8080 5060/udp 5060/tcp 8088
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SWITCHBOARD_HTTP_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/main.js"]
