#!/usr/bin/env bash
# Side by side: the system's scenarios on freshly started servers for two or more variants
# ("arms": a source tree and environment variables for the silo and the gateway), taken in
# turn (A B, then B A, ...), so that a shared machine's slow hour falls on every arm alike.
# Ends with the headline figures of every run, and their median per arm.
#
#   bench/compare.sh --results DIR [--rounds 2] [--scenarios "latency rooms oneroom"] [--warm]
#                    --arm NAME [--root DIR] [--silo-env "VAR=VALUE ..."] [--gateway-env "..."]
#                    --arm NAME ...
#
#   --results DIR     where the runs go: DIR/NAME-ROUND/system/SCENARIO.json, servers' logs,
#                     and DIR/commands.txt with every command run
#   --rounds N        runs per arm (2)
#   --scenarios LIST  scenarios in the order run (default "idle connections latency rooms
#                     oneroom fanout"), with the arguments bench/run.sh gives them (bench/lib.sh)
#   --warm            run each scenario once, discarded, before the measured run, on the same
#                     servers (their paths then run as optimized code, as after run.sh's earlier
#                     scenarios)
#   --port N          the gateway's port (8080)
#   --no-build        use the Release builds already in each root
#   --arm NAME        starts an arm; the options after it apply to it:
#     --root DIR        the source tree whose Release builds are started (default: this one;
#                       for another commit, `git worktree add DIR COMMIT`)
#     --silo-env, --gateway-env   extra environment for that process
#
# The bench program is always this tree's, so every arm is measured by the same code. Example:
#   bench/compare.sh --results /tmp/gc --scenarios "rooms" --warm \
#       --arm workstation --arm server --gateway-env "DOTNET_gcServer=1"
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH_DLL="$ROOT/bench/OrleansChat.Bench/bin/Release/net10.0/OrleansChat.Bench.dll"
STARTED_PIDS=()
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
trap stop_started EXIT

RESULTS=""
ROUNDS=2
SCENARIOS="idle connections latency rooms oneroom fanout"
WARM=0
PORT=8080
BUILD=1
NAMES=()
declare -A ARM_ROOT=() ARM_SILO_ENV=() ARM_GATEWAY_ENV=()

arm_option() {
    if ((${#NAMES[@]} == 0)); then
        echo "$1 must follow an --arm" >&2
        exit 2
    fi
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        --results) RESULTS="$2"; shift ;;
        --rounds) ROUNDS="$2"; shift ;;
        --scenarios) SCENARIOS="$2"; shift ;;
        --warm) WARM=1 ;;
        --port) PORT="$2"; shift ;;
        --no-build) BUILD=0 ;;
        --arm)
            [[ -z "${ARM_ROOT[$2]+set}" ]] || { echo "arm $2 is given twice" >&2; exit 2; }
            NAMES+=("$2"); ARM_ROOT[$2]="$ROOT"; ARM_SILO_ENV[$2]=""; ARM_GATEWAY_ENV[$2]=""; shift ;;
        --root) arm_option "$1"; ARM_ROOT[${NAMES[-1]}]="$(cd "$2" && pwd)"; shift ;;
        --silo-env) arm_option "$1"; ARM_SILO_ENV[${NAMES[-1]}]="$2"; shift ;;
        --gateway-env) arm_option "$1"; ARM_GATEWAY_ENV[${NAMES[-1]}]="$2"; shift ;;
        -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done
if [[ -z "$RESULTS" || ${#NAMES[@]} -lt 1 ]]; then
    echo "usage: bench/compare.sh --results DIR --arm NAME [...] --arm NAME [...] (--help for more)" >&2
    exit 2
fi
for scenario in $SCENARIOS; do
    scenario_args "$scenario" >/dev/null
done
if port_in_use "$PORT"; then
    echo "port $PORT is already taken; pass --port" >&2
    exit 1
fi

mkdir -p "$RESULTS"
RESULTS="$(cd "$RESULTS" && pwd)"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
log() { printf '== %s %s\n' "$(date +%H:%M:%S)" "$*"; }

if [[ $BUILD == 1 ]]; then
    log "building the bench, and Silo and Gateway of each root (Release)"
    dotnet build "$ROOT/bench/OrleansChat.Bench/OrleansChat.Bench.csproj" -c Release -nologo -v q >/dev/null
    while IFS= read -r root; do
        dotnet build "$root/Silo/Silo.csproj" -c Release -nologo -v q >/dev/null
        dotnet build "$root/Gateway/Gateway.csproj" -c Release -nologo -v q >/dev/null
    done < <(printf '%s\n' "${ARM_ROOT[@]}" | sort -u)
fi

{
    echo "# $(date -u +%FT%TZ) bench/compare.sh, $ROUNDS rounds, arms in turn (A B, then B A, ...)"
    for name in "${NAMES[@]}"; do
        echo "# arm $name: $(git -C "${ARM_ROOT[$name]}" rev-parse --short HEAD 2>/dev/null || echo '?') in ${ARM_ROOT[$name]}; silo env: ${ARM_SILO_ENV[$name]:-none}; gateway env: ${ARM_GATEWAY_ENV[$name]:-none}"
    done
} >"$RESULTS/commands.txt"

run_arm() {
    local name="$1" round="$2" out scenario
    out="$RESULTS/$name-$round"
    rm -rf "$out"
    mkdir -p "$out/system" "$out/discarded"
    log "$name, round $round: load average $(cut -d' ' -f1-3 /proc/loadavg)"
    if ! launch_system "${ARM_ROOT[$name]}" "$PORT" "$out" "${ARM_SILO_ENV[$name]}" "${ARM_GATEWAY_ENV[$name]}"; then
        log "$name: the system did not become ready (see $out/silo.log and $out/gateway.log)"
        stop_started
        return 1
    fi
    sleep 3
    local common=(--url "$SYSTEM_URL" --target system --pids "$SYSTEM_PIDS")
    for scenario in $SCENARIOS; do
        if [[ $WARM == 1 ]]; then
            # shellcheck disable=SC2046
            dotnet "$BENCH_DLL" $(scenario_args "$scenario") "${common[@]}" --out "$out/discarded/$scenario.json" >/dev/null || true
            sleep 2
        fi
        # shellcheck disable=SC2046
        echo "dotnet bench/OrleansChat.Bench/bin/Release/net10.0/OrleansChat.Bench.dll $(scenario_args "$scenario") --url $SYSTEM_URL --target system --pids ... --out $name-$round/system/$scenario.json" >>"$RESULTS/commands.txt"
        # shellcheck disable=SC2046
        dotnet "$BENCH_DLL" $(scenario_args "$scenario") "${common[@]}" --out "$out/system/$scenario.json" >"$out/$scenario.txt" 2>&1 \
            || log "$name, round $round: $scenario failed (see $out/$scenario.txt)"
        sleep 2
    done
    stop_started
}

for ((round = 1; round <= ROUNDS; round++)); do
    order=("${NAMES[@]}")
    if ((round % 2 == 0)); then
        mapfile -t order < <(printf '%s\n' "${NAMES[@]}" | tac)
    fi
    for name in "${order[@]}"; do
        run_arm "$name" "$round" || true
    done
done

dotnet "$BENCH_DLL" side-by-side --results "$RESULTS" --arms "$(IFS=,; echo "${NAMES[*]}")"
