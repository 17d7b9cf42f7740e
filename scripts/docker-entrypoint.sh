#!/bin/sh
# Container entry point: prepares the demo SQLite target on first start when the demo config (or
# docker-compose's, deploy/compose/) is used, then runs the CLI (`start`, `start scim-api`, ...).
set -e
case "$*" in
  *config/demo.yaml*|*deploy/compose/*)
    # keeps DEMO_SECRET_TOKEN when set, else generates one into /app/data/demo.token
    DEMO_SECRET_TOKEN="$(node scripts/init-demo.mjs /app/data)"
    export DEMO_SECRET_TOKEN
    ;;
esac
exec node dist/apps/cli/main.js "$@"
