#!/usr/bin/env bash
# Builds Vitals and runs it in the foreground with the embedded defaults: embedded PostgreSQL (data in
# ~/.vitals/), the local console as chat, the local Docker engine, the demo catalog. Ctrl-C stops it.
set -euo pipefail
t0=$(date +%s.%N)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
. deploy/local/lib.sh

find_jdk
ensure_docker

jar="target/vitals.jar"
if [ ! -f "$jar" ] || [ -n "$(find src pom.xml -newer "$jar" -print -quit 2>/dev/null)" ]; then
  log "Building Vitals"
  ./mvnw -B -q -DskipTests package
fi

port="${VITALS_PORT:-8080}"
export VITALS_PORT="$port"
export VITALS_CATALOG="${VITALS_CATALOG:-$root/deploy/demo/vitals.yml}"
mkdir -p "${VITALS_HOME:-$HOME/.vitals}"

# shellcheck disable=SC2046 # the options are words
java $(demo_java_options "$jar") &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' INT TERM EXIT
until curl -fsS "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1; do
  kill -0 $pid 2>/dev/null || { wait $pid; die "Vitals stopped during start-up (see above)"; }
  sleep 0.3
done
secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
log "Vitals is ready after ${secs}s: console at http://127.0.0.1:$port/console/api/users"
log "Try: curl -s -XPOST localhost:$port/console/api/messages -H 'Content-Type: application/json' -d '{\"user\":\"alice\",\"channel\":\"deploys\",\"text\":\"/status\"}'"
wait $pid
