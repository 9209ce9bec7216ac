# The govx image: every govx process (ledger node, governance with the console, department
# gateway, and the govx CLI for the one-shot bootstrap), chosen by the command that
# docker-compose.yml gives each service. It holds no key, password or config: `govx init
# --hosts compose` writes those under ./deploy and docker-compose.yml mounts each service's
# own files read-only.
FROM node:20-slim

WORKDIR /app

# `npm ci` installs from the lockfile and runs the `prepare` script, which builds (tsc -b);
# .dockerignore keeps node_modules, dist, deploy/ and local state out of the context.
COPY package.json package-lock.json tsconfig.base.json tsconfig.build.json ./
COPY libs libs
COPY apps apps
RUN npm ci && npm cache clean --force

ENV NODE_ENV=production

# Not root: the uid that owns ./deploy on the host (its files are 0600): GOVX_UID=$(id -u).
ARG GOVX_UID=1000
USER ${GOVX_UID}

# docker-compose.yml sets each service's command.
CMD ["node", "apps/cli/bin/govx.js", "--help"]
