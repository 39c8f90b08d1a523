# syntax=docker/dockerfile:1
#
# proxmox-mcp as a container: `proxmox-mcp sse` (MCP over HTTP) on port 8000, config in /config.
# The runtime stage installs the same npm tarball that `npm publish` uploads, and nothing else.
# Checked without a Docker engine by test/delivery/ (lint rules, the build stage run in a temp dir,
# and the entrypoint + cmd + env + healthcheck run against the simulator); README "Install and deploy".

# Build on the builder's own platform: the bundle is plain JavaScript, so one build serves every
# target platform and multi-arch images need no emulated `npm ci`.
FROM --platform=$BUILDPLATFORM node:24-alpine AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Only esbuild has an install script, and it works without it (the platform binary is an optional
# dependency); skipping scripts keeps third-party code from running at install time.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsup.config.ts README.md LICENSE clusters.example.json ./
COPY bin ./bin
COPY src ./src
# `npm pack` runs `prepack` (the tsup build) and writes exactly the files `npm publish` would.
RUN npm pack --silent && mv proxmox-mcp-*.tgz proxmox-mcp.tgz

# Node 24: the active LTS line (Node 20 is past its end of life); CI runs the package on 20 and 24.
FROM node:24-alpine AS runtime
ARG VERSION=dev
ARG SOURCE=""
LABEL org.opencontainers.image.title="proxmox-mcp" \
      org.opencontainers.image.description="MCP server for Proxmox VE: curated tools and raw API access for one or many clusters" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.source="${SOURCE}"
COPY --from=build /src/proxmox-mcp.tgz /tmp/proxmox-mcp.tgz
# Install the tarball (no runtime dependencies: the bundle inlines them), then drop the package
# managers: nothing at run time needs them, and they are most of the image's CVE surface.
RUN npm install --global --no-audit --no-fund --offline /tmp/proxmox-mcp.tgz \
 && rm -rf /tmp/proxmox-mcp.tgz /root/.npm /root/.cache \
    /usr/local/lib/node_modules/npm /usr/local/bin/npm /usr/local/bin/npx \
    /usr/local/lib/node_modules/corepack /usr/local/bin/corepack \
    /opt/yarn-* /usr/local/bin/yarn /usr/local/bin/yarnpkg \
 && proxmox-mcp --version
# Everything the server writes goes below /tmp (a tmpfs with a read-only root filesystem): the API
# schema cache here, the audit log where PROXMOX_MCP_AUDIT_LOG points. Config and secrets are mounts.
ENV NODE_ENV=production \
    MCP_HOST=0.0.0.0 \
    MCP_PORT=8000 \
    PROXMOX_MCP_CONFIG=/config/clusters.json \
    PROXMOX_MCP_CACHE_DIR=/tmp/proxmox-mcp
# The unprivileged user of the node image ("node"), by number so runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8000
# Node itself probes /healthz (unauthenticated, no Host check): no curl or wget in the image.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.MCP_PORT||8000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["proxmox-mcp"]
CMD ["sse"]
