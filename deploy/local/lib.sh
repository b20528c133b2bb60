# Shared by demo.sh and test.sh: find a JDK >= 21 and make sure a Docker engine answers.
# Everything here is idempotent and quick when the machine is already set up.

log() { printf '\033[1m[vitals]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[vitals]\033[0m %s\n' "$*" >&2; exit 1; }

java_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -1; }

find_jdk() {
  local candidates=() c
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  command -v javac >/dev/null 2>&1 && candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  for c in /usr/lib/jvm/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/*; do [ -d "$c" ] && candidates+=("$c"); done
  for c in "${candidates[@]}"; do
    if [ -x "$c/bin/javac" ] && [ -x "$c/bin/java" ]; then
      local major; major=$(java_major "$c/bin/java")
      if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ] 2>/dev/null; then
        export JAVA_HOME="$c"; export PATH="$JAVA_HOME/bin:$PATH"
        log "JDK $major at $JAVA_HOME"
        return 0
      fi
    fi
  done
  die "No JDK >= 21 found (looked at JAVA_HOME, javac on PATH and /usr/lib/jvm). Install one, e.g. apt-get install openjdk-21-jdk-headless (or Temurin 21+), or set JAVA_HOME."
}

is_debian_root() { [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null 2>&1; }

apt_updated=""
apt_install() {
  is_debian_root || die "Missing: $*. Install the packages $* (Debian/Ubuntu: apt-get install $*) and run again."
  if [ -z "$apt_updated" ]; then
    log "apt-get update"
    apt-get update -qq >/dev/null || die "apt-get update failed"
    apt_updated=1
  fi
  log "Installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || die "apt-get install $* failed"
}

# Prometheus Alertmanager (Debian's package) is a real client of Vitals' webhook in the tests.
# Installing it starts no service; the tests run their own on loopback.
ensure_alertmanager() {
  command -v prometheus-alertmanager >/dev/null 2>&1 && command -v amtool >/dev/null 2>&1 && return 0
  apt_install prometheus-alertmanager
}

# The browser tests drive Debian's chromium through its chromium-driver (both offline; nothing is downloaded by Selenium).
ensure_browser() {
  # The emoji font only makes the screenshots show ✅ rather than empty boxes.
  if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -d /usr/share/fonts/truetype/noto ]; then
    return 0
  fi
  apt_install chromium chromium-driver fonts-noto-color-emoji
}

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

busybox_ok() { [ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx httpd && ! ldd /bin/busybox >/dev/null 2>&1; }

ensure_docker() {
  # The demo and test images are built FROM scratch around a static busybox: nothing is pulled.
  busybox_ok || apt_install busybox-static
  command -v docker >/dev/null 2>&1 || apt_install docker.io
  if engine_answers; then
    log "Docker engine: $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>/dev/null)"
    return 0
  fi
  command -v dockerd >/dev/null 2>&1 || apt_install docker.io
  [ "$(id -u)" = 0 ] || die "No Docker engine answers and starting one needs root. Start Docker (e.g. sudo systemctl start docker) and run again."
  local logdir="${VITALS_HOME:-$HOME/.vitals}/logs"; mkdir -p "$logdir"
  log "Starting dockerd (log: $logdir/dockerd.log)"
  # Every environment is a network of its own: room for 256 of them (Docker's default pools hold about 30).
  nohup dockerd --default-address-pool base=10.213.0.0/16,size=24 >"$logdir/dockerd.log" 2>&1 &
  local i
  for i in $(seq 1 60); do
    engine_answers && { log "Docker engine started"; return 0; }
    sleep 1
  done
  die "dockerd did not answer within 60 s; see $logdir/dockerd.log"
}

# A start-up cache for the jar, made once per build: the jar extracted (so its classes can be archived),
# then one training start (see below). On JDK 25 and later an
# AOT cache (classes loaded and linked ahead of time), on older JDKs an application class-data archive.
# The training runs with the JIT options given as the second argument, as the starts will.
# Prints the java options that use it; prints nothing (and Vitals starts as before) if it cannot be made.
# With the local console as chat (no DISCORD_TOKEN) both runs also use the context Spring prepared ahead of
# time in the build (-Dspring.aot.enabled=true); that context is the console's, so not with Discord.
start_cache() {
  local jar="$1" jit="${2:-}" app="target/vitals-app" major cache flag aot="-Dspring.aot.enabled=true"
  [ -n "${DISCORD_TOKEN:-}" ] && aot=""
  major=$(java_major "$JAVA_HOME/bin/java"); major="${major%%.*}"
  if [ "$major" -ge 25 ] 2>/dev/null; then cache="$app/vitals.aot"; else cache="$app/vitals.jsa"; fi
  if [ ! -f "$cache" ] || [ "$jar" -nt "$cache" ]; then
    log "Preparing the start-up cache (once per build, about 20 s)" >&2
    rm -rf "$app"
    java -Djarmode=tools -jar "$jar" extract --destination "$app" >/dev/null 2>&1 || { log "No start-up cache: the jar could not be extracted" >&2; return 0; }
    if [ "$major" -ge 25 ] 2>/dev/null; then flag="-XX:AOTCacheOutput=$cache"; else flag="-XX:ArchiveClassesAtExit=$cache"; fi
    # The training start uses a home of its own, so the demo's database is not touched. It starts fully,
    # answers one health check (the classes of a request are cached too), then stops: the cache is written
    # as the JVM exits.
    local home port pid i; home=$(mktemp -d)
    VITALS_HOME="$home" VITALS_PORT=0 DISCORD_TOKEN= VITALS_CATALOG="${VITALS_CATALOG:-deploy/demo/vitals.yml}" java "$flag" $aot $jit -jar "$app/vitals.jar" >"$app/training.log" 2>&1 &
    pid=$!
    for i in $(seq 1 600); do
      port=$(sed -n 's/.*Tomcat started on port \([0-9]*\).*/\1/p' "$app/training.log" | head -1)
      [ -n "$port" ] && curl -fsS "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1 && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if [ -z "$port" ] || [ ! -f "$cache" ]; then
      log "No start-up cache (see $app/training.log); Vitals starts without one" >&2
      rm -rf "$home" "$cache"
      return 0
    fi
    rm -rf "$home"
  fi
  if [ "$major" -ge 25 ] 2>/dev/null; then echo "$aot -XX:AOTCache=$cache -Xlog:aot*=off -jar $app/vitals.jar"; else echo "$aot -XX:SharedArchiveFile=$cache -jar $app/vitals.jar"; fi
}

# The java options demo.sh starts the jar with: its start-up cache and the ahead-of-time context
# (start_cache), and only the JIT's first tier (C1): on 2 cores the optimizing compiler's threads take
# the CPU start-up needs, and Vitals mostly waits on the engine. Always complete options (with -jar).
demo_java_options() {
  local jar="$1" jit="-XX:TieredStopAtLevel=1" cache
  cache=$(start_cache "$jar" "$jit")
  echo "$jit ${cache:--jar $jar}"
}

