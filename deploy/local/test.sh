#!/usr/bin/env bash
# The whole test suite, with the real services it needs: the local Docker engine (installed and
# started when none answers), busybox-static for the test images, Prometheus Alertmanager
# (a real client of the webhook), chromium and chromium-driver for the browser tests; PostgreSQL is
# embedded.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
. deploy/local/lib.sh

find_jdk
ensure_docker
ensure_alertmanager
ensure_browser
log "Running the test suite"
./mvnw -B verify "$@"
