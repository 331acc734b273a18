#!/usr/bin/env bash
# Benchmarks OrleansChat (silo + gateway) against bench/Baseline over real WebSockets on
# loopback, then writes docs/performance.md and docs/performance-latency.png.
#
#   bench/run.sh                      build, run the baseline, start and run the system, report
#   bench/run.sh --quick              the same with few clients and short runs (a smoke test);
#                                     the report goes to bench/results/ instead of docs/
#   bench/run.sh --baseline-only      skip the system
#   bench/run.sh --system-url http://127.0.0.1:8080 --system-pids gateway=PID,silo=PID
#                                     measure a system that is already running instead of
#                                     starting one
#
# Options: --results DIR (default bench/results), --out FILE (report), --baseline-port N
# (5090), --system-port N (8080), --silo-metrics URL (the silo's Prometheus endpoint, read by
# `scaling`; http://localhost:9464/metrics). Everything stays on loopback; the full run takes
# about 9 minutes (builds included) on 2 cores and never more than 10.
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

while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) QUICK=1 ;;
        --baseline-only) BASELINE_ONLY=1 ;;
        --system-url) SYSTEM_URL="$2"; shift ;;
        --system-pids) SYSTEM_PIDS="$2"; shift ;;
        --results) RESULTS="$2"; shift ;;
        --out) REPORT="$2"; shift ;;
        --baseline-port) BASELINE_PORT="$2"; shift ;;
        --system-port) SYSTEM_PORT="$2"; shift ;;
        --silo-metrics) SILO_METRICS="$2"; shift ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done

if [[ -z "$REPORT" ]]; then
    if [[ $QUICK == 1 ]]; then REPORT="$RESULTS/performance.md"; else REPORT="$ROOT/docs/performance.md"; fi
fi
PLOT="$(dirname "$REPORT")/performance-latency.png"
LOGS="$RESULTS/logs"
BENCH_DLL="$ROOT/bench/OrleansChat.Bench/bin/Release/net10.0/OrleansChat.Bench.dll"
BASELINE_DLL="$ROOT/bench/Baseline/bin/Release/net10.0/OrleansChat.Baseline.dll"
STARTED_PIDS=()
SECONDS=0
# The whole comparison must end within 10 minutes: scenarios that would start past this
# point are skipped, and none may run longer than 150 s.
BUDGET_SECONDS=580
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
            "fanout --scale 0.05 --duration 3 --steady-duration 2"; do
            # shellcheck disable=SC2086
            bench $scenario "${common[@]}" --drain 3 --out "$RESULTS/$target/${scenario%% *}.json" || log "$target: ${scenario%% *} failed"
        done
        oneroom "$target" oneroom --api-key "$API_KEY" "${common[@]}" --duration 3 --warmup 1 --drain 3
        if [[ $target == system ]]; then
            bench scaling --sockets 10,50 --duration 3 --idle 1 --silo-metrics "$SILO_METRICS" "${common[@]}" --drain 3 \
                --out "$RESULTS/$target/scaling.json" || log "$target: scaling failed"
        fi
        return
    fi
    for scenario in idle connections latency sweep rooms fanout; do
        # shellcheck disable=SC2046
        bench $(scenario_args "$scenario") "${common[@]}" --out "$RESULTS/$target/$scenario.json" || log "$target: $scenario failed"
        sleep 2
        if [[ $scenario == rooms ]]; then
            # shellcheck disable=SC2046
            oneroom "$target" $(scenario_args oneroom) "${common[@]}"
            sleep 2
        fi
    done
    # Only the system has a silo whose work per message can grow with the sockets in a room.
    if [[ $target == system ]]; then
        # shellcheck disable=SC2046
        bench $(scenario_args scaling) --silo-metrics "$SILO_METRICS" "${common[@]}" \
            --out "$RESULTS/$target/scaling.json" || log "$target: scaling failed"
    fi
    sleep 2
    # shellcheck disable=SC2046
    bench $(scenario_args idle-after) "${common[@]}" --out "$RESULTS/$target/idle-after.json" || log "$target: idle-after failed"
}

# `oneroom` posts over the HTTP API, which the baseline does not have: it runs against the
# system only, and the report shows "–" for the baseline. Takes the scenario and its arguments.
oneroom() {
    local target="$1"
    shift
    if [[ $target != system ]]; then
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
    local silo_csproj gateway_csproj
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
    log "system: building $(basename "$silo_csproj") and $(basename "$gateway_csproj")"
    if ! dotnet build "$silo_csproj" -c Release -nologo -v q >"$LOGS/system-build.log" 2>&1 \
        || ! dotnet build "$gateway_csproj" -c Release -nologo -v q >>"$LOGS/system-build.log" 2>&1; then
        log "system: build failed (see $LOGS/system-build.log)"
        return 1
    fi
    log "system: starting $(basename "$silo_csproj" .csproj), then $(basename "$gateway_csproj" .csproj) on 127.0.0.1:$SYSTEM_PORT"
    if ! launch_system "$ROOT" "$SYSTEM_PORT" "$LOGS" "" ""; then
        log "system: not ready (see $LOGS/silo.log and $LOGS/gateway.log)"
        return 1
    fi
}

rm -rf "$RESULTS/baseline" "$RESULTS/system" "$RESULTS/commands.txt"
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

if [[ $BASELINE_ONLY == 0 ]]; then
    if [[ -n "$SYSTEM_URL" ]]; then
        log "system: using the running system at $SYSTEM_URL (${SYSTEM_PIDS:-no PIDs given})"
        echo "# system (already running at $SYSTEM_URL)" >>"$RESULTS/commands.txt"
    elif start_system; then
        echo "# system: silo, then gateway --urls $SYSTEM_URL (see bench/run.sh, start_system)" >>"$RESULTS/commands.txt"
        sleep 3
    fi
    if [[ -n "$SYSTEM_URL" ]]; then
        mkdir -p "$RESULTS/system"
        note_load "before the system"
        run_scenarios system "$SYSTEM_URL" "$SYSTEM_PIDS"
    fi
    stop_started
fi

note_load "at the end"
log "report"
(cd "$ROOT" && dotnet "$BENCH_DLL" report --results "$RESULTS" --out "$REPORT" --plot "$PLOT" \
    --machine "$RESULTS/machine.txt" --commands "$RESULTS/commands.txt" --targets "$ROOT/bench/targets.md")
log "done in ${SECONDS} s: $REPORT"
