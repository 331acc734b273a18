#!/usr/bin/env bash
# Benchmarks OrleansChat (silo + gateway) against bench/Baseline over real WebSockets on
# loopback, then writes docs/performance.md and docs/performance-latency.png.
#
#   bench/run.sh                      build, run the baseline, start and run the system, report
#   bench/run.sh --quick              the same with few clients and short runs (a smoke test);
#                                     the report goes to bench/results/ instead of docs/
#   bench/run.sh --baseline-only      skip the system
#   bench/run.sh --no-baseline        skip the baseline
#   bench/run.sh --profiles embedded  the system with its embedded defaults only (default: embedded,redis:
#                                     also one silo and one gateway on the Redis profile, with a
#                                     redis-server of their own, in the report's "system, Redis" columns)
#   bench/run.sh --redis-fsync always Redis' appendfsync for the Redis profile (default everysec)
#   bench/run.sh --scenarios "latency oneroom"
#                                     run only these scenarios (default: all)
#   bench/run.sh --system-url http://127.0.0.1:8080 --system-pids gateway=PID,silo=PID
#                                     measure a system that is already running instead of
#                                     starting one
#
# Options: --results DIR (default bench/results), --out FILE (report), --baseline-port N
# (5090), --system-port N (8080), --silo-metrics URL (the silo's Prometheus endpoint, read by
# `scaling`; http://localhost:9464/metrics), --redis-port N (6391, the Redis profile's redis-server on
# 127.0.0.1). Everything stays on loopback; the full run takes about 14 minutes (builds included)
# on 2 cores and never more than 20.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS="$ROOT/bench/results"
REPORT=""
BASELINE_PORT=5090
SYSTEM_PORT=8080
SYSTEM_URL=""
SYSTEM_PIDS=""
# The silo's Prometheus listener (Chat:Cluster:MetricsHost/MetricsPort), read by `scaling`.
SILO_METRICS="http://localhost:9464/metrics"
QUICK=0
BASELINE_ONLY=0
NO_BASELINE=0
PROFILES="embedded,redis"
REDIS_FSYNC=everysec
REDIS_PORT=6391
ONLY=""

while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --baseline-only) BASELINE_ONLY=1 ;;
        --no-baseline) NO_BASELINE=1 ;;
        --system-url) SYSTEM_URL="$2"; shift ;;
        --system-pids) SYSTEM_PIDS="$2"; shift ;;
        --results) RESULTS="$2"; shift ;;
        --out) REPORT="$2"; shift ;;
        --baseline-port) BASELINE_PORT="$2"; shift ;;
        --system-port) SYSTEM_PORT="$2"; shift ;;
        --silo-metrics) SILO_METRICS="$2"; shift ;;
        --profiles) PROFILES="$2"; shift ;;
        --redis-fsync) REDIS_FSYNC="$2"; shift ;;
        --redis-port) REDIS_PORT="$2"; shift ;;
        --scenarios) ONLY="$2"; shift ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done

for profile in ${PROFILES//,/ }; do
    case "$profile" in embedded | redis) ;; *) echo "unknown profile: $profile (embedded, redis)" >&2; exit 2 ;; esac
done
case "$REDIS_FSYNC" in everysec | always) ;; *) echo "--redis-fsync must be everysec or always" >&2; exit 2 ;; esac

if [[ -z "$REPORT" ]]; then
    if [[ $QUICK == 1 ]]; then REPORT="$RESULTS/performance.md"; else REPORT="$ROOT/docs/performance.md"; fi
fi
PLOT="$(dirname "$REPORT")/performance-latency.png"
LOGS="$RESULTS/logs"
BENCH_DLL="$ROOT/bench/OrleansChat.Bench/bin/Release/net10.0/OrleansChat.Bench.dll"
BASELINE_DLL="$ROOT/bench/Baseline/bin/Release/net10.0/OrleansChat.Baseline.dll"
STARTED_PIDS=()
SECONDS=0
# The whole comparison must end within 20 minutes: scenarios that would start past this
# point are skipped, and none may run longer than 150 s.
BUDGET_SECONDS=1180
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"

log() { printf '\n== [%3ds] %s\n' "$SECONDS" "$*"; }

trap stop_started EXIT

# Other work on the machine skews results: note the load average at each stage.
note_load() { echo "load average (1, 5, 15 min) $1: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/machine.txt"; }

# Runs the bench program within the time budget and records the command (relative to the
# repository) for the report.
bench() {
    local left=$((BUDGET_SECONDS - SECONDS))
    if ((left < 30)); then
        log "skipped (time budget spent): $1"
        echo "# skipped, time budget spent: $1" >>"$RESULTS/commands.txt"
        return 1
    fi
    echo "dotnet bench/OrleansChat.Bench/bin/Release/net10.0/OrleansChat.Bench.dll $*" | sed "s|$ROOT/||g" >>"$RESULTS/commands.txt"
    (cd "$ROOT" && timeout --signal=INT "$((left < 150 ? left : 150))" dotnet "$BENCH_DLL" "$@")
}

# The scenario list, identical for both targets. Durations are shortened from the program's
# defaults (30 s idle windows, 30 s fanout) so that both targets fit in the time budget.
run_scenarios() {
    local target="$1" url="$2" pids="$3"
    local common=(--url "$url" --target "$target" --pids "$pids")
    local scenario
    if [[ $QUICK == 1 ]]; then
        for scenario in \
            "idle --duration 2" \
            "connections --scale 0.05 --duration 2" \
            "latency --scale 0.2 --duration 3 --rate 100" \
            "sweep --scale 0.2 --rates 50,100,200 --duration 2" \
            "rooms --scale 0.05 --duration 3" \
            "manyrooms --scale 0.05 --duration 3" \
            "fanout --scale 0.05 --duration 3 --steady-duration 2"; do
            # shellcheck disable=SC2086
            bench $scenario "${common[@]}" --drain 3 --out "$RESULTS/$target/${scenario%% *}.json" || log "$target: ${scenario%% *} failed"
        done
        oneroom "$target" oneroom --api-key "$API_KEY" "${common[@]}" --duration 3 --warmup 1 --drain 3
        if [[ $target == system* ]]; then
            bench scaling --sockets 10,50 --duration 3 --idle 1 --silo-metrics "$SILO_METRICS" "${common[@]}" --drain 3 \
                --out "$RESULTS/$target/scaling.json" || log "$target: scaling failed"
        fi
        return
    fi
    for scenario in idle connections latency sweep rooms manyrooms oneroom fanout scaling idle-after; do
        wanted "$scenario" || continue
        case "$scenario" in
            # `oneroom` posts over the HTTP API, which the baseline does not have: the report shows "–".
            # Only the system has a silo whose work per message can grow with the sockets in a room.
            oneroom | scaling) [[ $target == system* ]] || continue ;;
        esac
        local extra=()
        [[ $scenario == scaling ]] && extra=(--silo-metrics "$SILO_METRICS")
        # shellcheck disable=SC2046
        bench $(scenario_args "$scenario") "${extra[@]}" "${common[@]}" --out "$RESULTS/$target/$scenario.json" || log "$target: $scenario failed"
        sleep 2
    done
}

# `failover` (Redis profile only): deploy/local/cluster.sh's three silos and two gateways on Redis,
# one silo killed with SIGKILL at a time under sends, its fixed addresses (127.0.0.11-.22, Redis on
# 6390) free. Its result goes with the Redis profile's.
run_failover() {
    local state="$RESULTS/cluster" silos="" ip name
    # One command line for every call, the bench's --kill and --start included (it runs them with bash -c).
    local cluster="CLUSTER_STATE='$state' CLUSTER_SKIP_BUILD=1 CLUSTER_FSYNC=$REDIS_FSYNC '$ROOT/deploy/local/cluster.sh'"
    log "failover: deploy/local/cluster.sh up"
    if ! bash -c "$cluster up" >"$LOGS/cluster.log" 2>&1; then
        log "failover: the local cluster did not come up (see $LOGS/cluster.log and $state)"
        bash -c "$cluster down" >>"$LOGS/cluster.log" 2>&1 || true
        return 1
    fi
    echo "# failover: CLUSTER_FSYNC=$REDIS_FSYNC deploy/local/cluster.sh up (Redis, three silos, two gateways)" >>"$RESULTS/commands.txt"
    for name in silo1 silo2 silo3; do
        ip="127.0.0.1${name#silo}"
        silos+="${silos:+,}$name=http://$ip:9464/health/ready"
    done
    mkdir -p "$RESULTS/system-redis"
    bench failover --url http://127.0.0.21:8080 --target system-redis --silos "$silos" \
        --kill "$cluster kill {name}" --start "$cluster start {name}" \
        --out "$RESULTS/system-redis/failover.json" || log "failover failed"
    cp "$state"/*.log "$LOGS/" 2>/dev/null || true
    bash -c "$cluster down" >>"$LOGS/cluster.log" 2>&1
}

# Whether --scenarios (when given) names this scenario.
wanted() { [[ -z "$ONLY" || " ${ONLY//,/ } " == *" $1 "* ]]; }

# `oneroom` in the quick run (see run_scenarios). Takes the target, the scenario and its arguments.
oneroom() {
    local target="$1"
    shift
    if [[ $target != system* ]]; then
        return 0
    fi
    bench "$@" --out "$RESULTS/$target/oneroom.json" || log "$target: oneroom failed"
}

# ---------------------------------------------------------------------------------------
# SYSTEM SIDE. Builds Silo/ and Gateway/ in Release, starts `dotnet <Silo>.dll`, then
# `dotnet <Gateway>.dll --urls http://127.0.0.1:$SYSTEM_PORT` (each from its output folder,
# so that its appsettings.json applies), and waits for /health/ready. Sets SYSTEM_URL and
# SYSTEM_PIDS. Returns non-zero, leaving the baseline-only report, when either project is
# missing, does not build, or does not become ready.
# ---------------------------------------------------------------------------------------
start_system() {
    local profile="$1" silo_csproj gateway_csproj silo_env="" gateway_env=""
    silo_csproj="$(ls "$ROOT"/Silo/*.csproj 2>/dev/null | head -n1 || true)"
    gateway_csproj="$(ls "$ROOT"/Gateway/*.csproj 2>/dev/null | head -n1 || true)"
    if [[ -z "$silo_csproj" || -z "$gateway_csproj" ]]; then
        log "system: Silo/ or Gateway/ has no project yet; running the baseline only"
        return 1
    fi
    if port_in_use "$SYSTEM_PORT"; then
        log "system: port $SYSTEM_PORT is already taken; pass --system-url/--system-pids or --system-port"
        return 1
    fi
    if [[ $SYSTEM_BUILT == 0 ]]; then
        log "system: building $(basename "$silo_csproj") and $(basename "$gateway_csproj")"
        if ! dotnet build "$silo_csproj" -c Release -nologo -v q >"$LOGS/system-build.log" 2>&1 \
            || ! dotnet build "$gateway_csproj" -c Release -nologo -v q >>"$LOGS/system-build.log" 2>&1; then
            log "system: build failed (see $LOGS/system-build.log)"
            return 1
        fi
        SYSTEM_BUILT=1
    fi
    if [[ $profile == redis ]]; then
        start_redis || return 1
        # The variables of deploy/env/*.env that differ from the embedded defaults; one silo on
        # 127.0.0.1 with its default ports, as run.sh's embedded system.
        local redis="127.0.0.1:$REDIS_PORT" cluster="bench-$$"
        silo_env="Chat__Cluster__Clustering=Redis Chat__Cluster__Storage=Redis Chat__Cluster__Redis=$redis Chat__Cluster__ClusterId=$cluster Chat__Cluster__ServiceId=$cluster Chat__Cluster__AdvertisedIP=127.0.0.1"
        gateway_env="Chat__Cluster__Clustering=Redis Chat__Cluster__Redis=$redis Chat__Cluster__ClusterId=$cluster Chat__Cluster__ServiceId=$cluster"
    fi
    log "system ($profile): starting $(basename "$silo_csproj" .csproj), then $(basename "$gateway_csproj" .csproj) on 127.0.0.1:$SYSTEM_PORT"
    if ! launch_system "$ROOT" "$SYSTEM_PORT" "$LOGS" "$silo_env" "$gateway_env"; then
        log "system ($profile): not ready (see $LOGS/silo.log and $LOGS/gateway.log)"
        return 1
    fi
    if [[ $profile == redis ]]; then
        SYSTEM_PIDS="$SYSTEM_PIDS,redis=$(cat "$REDIS_STATE/redis.pid")"
        echo "# $(system_target "$profile"): redis-server on 127.0.0.1:$REDIS_PORT, appendonly yes, appendfsync $REDIS_FSYNC (deploy/local/cluster.sh start redis, CLUSTER_REDIS_PORT=$REDIS_PORT CLUSTER_FSYNC=$REDIS_FSYNC)" >>"$RESULTS/commands.txt"
        echo "# silo: $silo_env" >>"$RESULTS/commands.txt"
        echo "# gateway: $gateway_env" >>"$RESULTS/commands.txt"
    fi
}

# The Redis profile's redis-server, started (and installed when missing) as deploy/local/cluster.sh
# starts the local cluster's, on its own port and a fresh data folder; in STARTED_PIDS.
start_redis() {
    if port_in_use "$REDIS_PORT"; then
        log "system (redis): port $REDIS_PORT is already taken; pass --redis-port"
        return 1
    fi
    rm -rf "$REDIS_STATE"
    CLUSTER_STATE="$REDIS_STATE" CLUSTER_REDIS_PORT="$REDIS_PORT" CLUSTER_FSYNC="$REDIS_FSYNC" \
        "$ROOT/deploy/local/cluster.sh" start redis >/dev/null
    STARTED_PIDS+=("$(cat "$REDIS_STATE/redis.pid")")
    local deadline=$((SECONDS + 30))
    until port_in_use "$REDIS_PORT"; do
        if ((SECONDS > deadline)); then
            log "system (redis): redis-server did not listen on $REDIS_PORT (see $REDIS_STATE/redis.log)"
            return 1
        fi
        sleep 0.1
    done
    echo "redis:  $(redis-server --version | cut -d' ' -f3), appendonly yes, appendfsync $REDIS_FSYNC" >>"$RESULTS/machine.txt"
}

# The results folder and --target of a profile: system (embedded) or system-redis.
system_target() { if [[ $1 == redis ]]; then echo system-redis; else echo system; fi; }

SYSTEM_BUILT=0
REDIS_STATE="$RESULTS/redis"
rm -rf "$RESULTS/baseline" "$RESULTS/system" "$RESULTS/system-redis" "$RESULTS/commands.txt"
mkdir -p "$RESULTS/baseline" "$LOGS"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

log "building the bench and the baseline (Release)"
dotnet build "$ROOT/bench/OrleansChat.Bench/OrleansChat.Bench.csproj" -c Release -nologo -v q
dotnet build "$ROOT/bench/Baseline/Baseline.csproj" -c Release -nologo -v q

{
    echo "cpu:    $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(grep -c '^processor' /proc/cpuinfo) logical cores)"
    echo "kernel: $(uname -sr)"
    echo "dotnet: $(dotnet --version)"
    echo "source: commit $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || echo ' plus uncommitted changes')"
    echo
    free -h
    echo
} >"$RESULTS/machine.txt"

if [[ $NO_BASELINE == 0 ]]; then
    if port_in_use "$BASELINE_PORT"; then
        echo "port $BASELINE_PORT is already taken; pass --baseline-port" >&2
        exit 1
    fi
    note_load "before the baseline"
    log "baseline: starting on 127.0.0.1:$BASELINE_PORT"
    dotnet "$BASELINE_DLL" --urls "http://127.0.0.1:$BASELINE_PORT" >"$LOGS/baseline.log" 2>&1 &
    BASELINE_PID=$!
    STARTED_PIDS+=("$BASELINE_PID")
    (cd "$ROOT" && dotnet "$BENCH_DLL" wait --url "http://127.0.0.1:$BASELINE_PORT/health/ready" --timeout 30)
    echo "# baseline" >>"$RESULTS/commands.txt"
    echo "dotnet bench/Baseline/bin/Release/net10.0/OrleansChat.Baseline.dll --urls http://127.0.0.1:$BASELINE_PORT" >>"$RESULTS/commands.txt"
    run_scenarios baseline "http://127.0.0.1:$BASELINE_PORT" "baseline=$BASELINE_PID"
    stop_started
fi

if [[ $BASELINE_ONLY == 0 ]]; then
    if [[ -n "$SYSTEM_URL" ]]; then
        log "system: using the running system at $SYSTEM_URL (${SYSTEM_PIDS:-no PIDs given})"
        echo "# system (already running at $SYSTEM_URL)" >>"$RESULTS/commands.txt"
        mkdir -p "$RESULTS/system"
        note_load "before the system"
        run_scenarios system "$SYSTEM_URL" "$SYSTEM_PIDS"
    else
        for profile in ${PROFILES//,/ }; do
            target="$(system_target "$profile")"
            if start_system "$profile"; then
                echo "# $target: silo, then gateway --urls $SYSTEM_URL (see bench/run.sh, start_system)" >>"$RESULTS/commands.txt"
                sleep 3
                mkdir -p "$RESULTS/$target"
                note_load "before $target"
                run_scenarios "$target" "$SYSTEM_URL" "$SYSTEM_PIDS"
            fi
            stop_started
            SYSTEM_URL=""
        done
        if [[ ",$PROFILES," == *",redis,"* && $QUICK == 0 ]] && wanted failover; then
            run_failover || true
        fi
    fi
fi

note_load "at the end"
log "report"
(cd "$ROOT" && dotnet "$BENCH_DLL" report --results "$RESULTS" --out "$REPORT" --plot "$PLOT" \
    --machine "$RESULTS/machine.txt" --commands "$RESULTS/commands.txt" --targets "$ROOT/bench/targets.md")
log "done in ${SECONDS} s: $REPORT"
