# The graph-emulator container image: the npm package, installed globally on Node LTS, run as the
# unprivileged user `node`, listening on all interfaces on 8443 with its state in the /data volume.
#
#   docker build -t graph-emulator .
#   docker run --rm -p 8443:8443 -v graph-emulator-data:/data graph-emulator
#
# Beyond loopback the control plane (/_emulator) asks for the header X-Emulator-Token: a random
# token is printed at start, or set your own with -e GRAPH_EMULATOR_CONTROL_TOKEN=... . Add the
# names clients reach the container by to its certificate with -e GRAPH_EMULATOR_HOSTNAMES=... .
# Everything is installed at build time: the image needs no network when it runs.

FROM node:24-slim AS package
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
# npm pack runs the package build (prepare): dist/ with the prebuilt command.
RUN npm pack --pack-destination /tmp && mv /tmp/graph-emulator-*.tgz /tmp/graph-emulator.tgz

FROM node:24-slim
COPY --from=package /tmp/graph-emulator.tgz /tmp/graph-emulator.tgz
RUN npm install --global --no-audit --no-fund /tmp/graph-emulator.tgz \
 && rm /tmp/graph-emulator.tgz && npm cache clean --force \
 && mkdir -p /data && chown node:node /data
ENV GRAPH_EMULATOR_HOST=0.0.0.0 \
    GRAPH_EMULATOR_PORT=8443 \
    GRAPH_EMULATOR_DATA_DIR=/data \
    GRAPH_EMULATOR_CACHE_DIR=/home/node/.cache/graph-emulator
USER node
WORKDIR /home/node
VOLUME ["/data"]
EXPOSE 8443
HEALTHCHECK --interval=10s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "/usr/local/lib/node_modules/graph-emulator/dist/bin/healthcheck.cjs"]
# SIGTERM (docker stop) flushes state to /data before the process exits.
STOPSIGNAL SIGTERM
CMD ["graph-emulator"]
