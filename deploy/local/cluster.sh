#!/usr/bin/env bash
# A local OrleansChat cluster on the Redis profile: Redis, three silos and two gateways as processes.
#
#   deploy/local/cluster.sh up                 build, start everything, return once both gateways are ready
#   deploy/local/cluster.sh down               stop everything and remove the state folder
#   deploy/local/cluster.sh status             each process: running, stopped (SIGSTOP) or down, with its pid
#   deploy/local/cluster.sh kill NAME          SIGKILL
#   deploy/local/cluster.sh stop NAME          SIGSTOP (paused)
#   deploy/local/cluster.sh cont NAME          SIGCONT
#   deploy/local/cluster.sh start NAME         start it if it is not running
#   deploy/local/cluster.sh restart NAME       SIGTERM, wait for it to end, start it again
#
# NAME is redis, silo1..silo3, gateway1 or gateway2. Silos listen on 127.0.0.11-.13 (silo port
# 11111, gateway port 30000, metrics 9464, each on its own address as pods would), gateways on
# http://127.0.0.21:8080 and http://127.0.0.22:8080, Redis on 127.0.0.1:6390 with append-only
# persistence. Silos and gateways get exactly the variables named in deploy/env/silo.env and
# deploy/env/gateway.env (values from there, the per-process ones set here), and nothing else
# configures them.
#
# Settings (environment of this script):
#   CLUSTER_STATE       the state folder: pids, logs, Redis' data (default deploy/local/state)
#   CLUSTER_FSYNC       Redis' appendfsync: everysec (default) or always
#   CLUSTER_REDIS_PORT  Redis' port on 127.0.0.1 (default 6390)
#   CLUSTER_SKIP_BUILD  1: run the Release build already in Silo/bin and Gateway/bin (the tests do)
#   CLUSTER_READY_TIMEOUT  seconds `up` waits for the gateways to be ready (default 180)
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
state="${CLUSTER_STATE:-$root/deploy/local/state}"
fsync="${CLUSTER_FSYNC:-everysec}"
redis_port="${CLUSTER_REDIS_PORT:-6390}"
silo_dll="bin/Release/net10.0/OrleansChat.Silo.dll"
gateway_dll="bin/Release/net10.0/OrleansChat.Gateway.dll"
names=(redis silo1 silo2 silo3 gateway1 gateway2)

die() { echo "cluster.sh: $*" >&2; exit 1; }

ip_of() {
  case "$1" in
    silo1) echo 127.0.0.11 ;; silo2) echo 127.0.0.12 ;; silo3) echo 127.0.0.13 ;;
    gateway1) echo 127.0.0.21 ;; gateway2) echo 127.0.0.22 ;; redis) echo 127.0.0.1 ;;
    *) die "unknown name '$1' (redis, silo1, silo2, silo3, gateway1, gateway2)" ;;
  esac
}

pid_of() { cat "$state/$1.pid" 2>/dev/null || true; }

# running | stopped | down
state_of() {
  local pid stat
  pid="$(pid_of "$1")"
  [ -n "$pid" ] || { echo down; return; }
  stat="$(ps -o stat= -p "$pid" 2>/dev/null || true)"
  case "$stat" in
    "" | Z*) echo down ;;
    T*) echo stopped ;;
    *) echo running ;;
  esac
}

ensure_redis_installed() {
  command -v redis-server >/dev/null 2>&1 && return
  echo "Installing redis-server (Debian)…"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; fi
}

# The environment a process gets: the names listed in its env file, with the file's value unless
# this script sets one for this process (given as NAME=value arguments), plus what the .NET host
# itself needs to run (PATH, HOME, DOTNET_ROOT). A name set here that the file does not list is refused.
process_env() {
  local file="$1"; shift
  local -A given=()
  local pair name value
  for pair in "$@"; do given["${pair%%=*}"]="${pair#*=}"; done
  local -A listed=()
  while IFS= read -r line; do
    case "$line" in "" | "#"*) continue ;; esac
    name="${line%%=*}"; value="${line#*=}"
    listed["$name"]=1
    [ -n "${given[$name]+x}" ] && value="${given[$name]}"
    printf '%s=%s\n' "$name" "$value"
  done <"$file"
  for name in "${!given[@]}"; do
    [ -n "${listed[$name]+x}" ] || die "$name is not listed in $file"
  done
  printf 'PATH=%s\nHOME=%s\n' "$PATH" "${HOME:-/root}"
  [ -z "${DOTNET_ROOT:-}" ] || printf 'DOTNET_ROOT=%s\n' "$DOTNET_ROOT"
}

launch() {
  local name="$1" dir="$2" dll="$3"; shift 3
  local -a envs=()
  local listed
  listed="$("$@")" || exit 1
  mapfile -t envs <<<"$listed"
  # The working directory is the project's, as with run.sh: each program reads its appsettings.json
  # and the gateway serves its wwwroot from there.
  (cd "$dir" && exec env -i "${envs[@]}" dotnet "$dll") >>"$state/$name.log" 2>&1 </dev/null &
  echo $! >"$state/$name.pid"
}

start_one() {
  local name="$1" ip
  ip="$(ip_of "$name")"
  [ "$(state_of "$name")" = down ] || { echo "$name is already $(state_of "$name")"; return; }
  mkdir -p "$state"
  local redis="127.0.0.1:$redis_port"
  case "$name" in
    redis)
      ensure_redis_installed
      mkdir -p "$state/redis"
      # Append-only file: every write is logged, fsync'd once a second (everysec: a power cut or
      # kill of the machine may lose the last second) or before each reply (always).
      redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$state/redis" --protected-mode no \
        --appendonly yes --appendfsync "$fsync" --save "" --daemonize no \
        >>"$state/redis.log" 2>&1 </dev/null &
      echo $! >"$state/redis.pid"
      ;;
    silo*)
      launch "$name" "$root/Silo" "$silo_dll" process_env "$root/deploy/env/silo.env" \
        "Chat__Cluster__Redis=$redis" "Chat__Cluster__AdvertisedIP=$ip" "Chat__Cluster__MetricsHost=$ip"
      ;;
    gateway*)
      launch "$name" "$root/Gateway" "$gateway_dll" process_env "$root/deploy/env/gateway.env" \
        "Chat__Cluster__Redis=$redis" "ASPNETCORE_URLS=http://$ip:8080"
      ;;
  esac
  echo "$name started (pid $(pid_of "$name"))"
}

signal() {
  local sig="$1" name="$2" pid
  ip_of "$name" >/dev/null
  pid="$(pid_of "$name")"
  [ "$(state_of "$name")" != down ] || die "$name is not running"
  kill "-$sig" "$pid"
}

wait_ended() {
  local name="$1" pid
  pid="$(pid_of "$name")"
  for _ in $(seq 1 300); do
    [ "$(state_of "$name")" = down ] && return
    sleep 0.1
  done
  echo "$name did not end within 30 s of SIGTERM; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

wait_ready() {
  local deadline=$((SECONDS + ${CLUSTER_READY_TIMEOUT:-180})) name
  for name in "$@"; do
    until curl -fsS "http://$(ip_of "$name"):8080/health/ready" >/dev/null 2>&1; do
      [ "$(state_of "$name")" != down ] || die "$name ended; see $state/$name.log"
      [ $SECONDS -lt $deadline ] || die "$name not ready in time; see $state/$name.log"
      sleep 0.2
    done
  done
}

build() {
  [ "${CLUSTER_SKIP_BUILD:-0}" = 1 ] && return
  dotnet build "$root/Silo/Silo.csproj" -c Release -nologo -v quiet
  dotnet build "$root/Gateway/Gateway.csproj" -c Release -nologo -v quiet
}

case "${1:-}" in
  up)
    case "$fsync" in everysec | always) ;; *) die "CLUSTER_FSYNC must be everysec or always, not '$fsync'" ;; esac
    build
    for name in "${names[@]}"; do start_one "$name"; done
    wait_ready gateway1 gateway2
    echo "OrleansChat is up: http://127.0.0.21:8080 and http://127.0.0.22:8080 (state in $state)"
    ;;
  down)
    # Gateways first, then silos, Redis last: each tier ends while what it uses is still there.
    for tier in "gateway1 gateway2" "silo1 silo2 silo3" "redis"; do
      for name in $tier; do
        [ "$(state_of "$name")" = down ] && continue
        kill -CONT "$(pid_of "$name")" 2>/dev/null || true
        kill -TERM "$(pid_of "$name")" 2>/dev/null || true
      done
      for name in $tier; do wait_ended "$name"; done
    done
    rm -rf "$state"
    echo "OrleansChat is down; $state removed"
    ;;
  status)
    for name in "${names[@]}"; do printf '%-9s %-8s %s\n' "$name" "$(state_of "$name")" "$(pid_of "$name")"; done
    ;;
  kill) signal KILL "${2:?NAME}"; wait_ended "$2" ;;
  stop) signal STOP "${2:?NAME}" ;;
  cont) signal CONT "${2:?NAME}" ;;
  start) start_one "${2:?NAME}" ;;
  restart)
    name="${2:?NAME}"
    if [ "$(state_of "$name")" != down ]; then
      kill -CONT "$(pid_of "$name")" 2>/dev/null || true
      signal TERM "$name"
      wait_ended "$name"
    fi
    start_one "$name"
    ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
