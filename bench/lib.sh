# Shared by bench/run.sh and bench/compare.sh: the arguments every scenario runs with, and how
# the system (silo, then gateway) is started. Source it; it only defines functions, and expects
# STARTED_PIDS (an array) and BENCH_DLL to be set by the script that sources it.

# The key the system's gateway is started with (Chat:Gateway:ApiKey) for the HTTP posts of `oneroom`.
API_KEY="bench-api-key"

# The arguments of each scenario in a full run. Durations are shortened from the program's
# defaults (30 s idle windows, 30 s fanout) so that both targets fit in run.sh's time budget.
# `oneroom` gets a 5 s warm-up: it is the first scenario to use the gateway's HTTP post path.
scenario_args() {
    case "$1" in
        idle) echo "idle --duration 15" ;;
        connections) echo "connections --connections 10000 --rooms 1000 --duration 15 --concurrency 100" ;;
        latency) echo "latency --receivers 50 --rate 200 --duration 20 --warmup 2" ;;
        sweep) echo "sweep --receivers 50 --rates 50,100,200,400 --duration 5 --warmup 1" ;;
        rooms) echo "rooms --rooms 500 --clients-per-room 4 --duration 15 --warmup 2" ;;
        manyrooms) echo "manyrooms --rooms 100 --clients-per-room 10 --per-client-rate 2 --duration 15 --warmup 2" ;;
        oneroom) echo "oneroom --clients 4 --window 16 --duration 15 --warmup 5 --api-key $API_KEY" ;;
        fanout) echo "fanout --receivers 1000 --senders 40 --duration 15 --steady-rate 100 --steady-duration 10" ;;
        scaling) echo "scaling --sockets 10,1000 --rate 72 --duration 10 --idle 4 --repeat 2" ;;
        idle-after) echo "idle-after --duration 15" ;;
        *) echo "unknown scenario: $1" >&2; return 1 ;;
    esac
}

# The assembly a project builds, from its <AssemblyName> or else its file name.
project_dll() {
    local csproj="$1" name
    name="$(sed -n 's:.*<AssemblyName>\(.*\)</AssemblyName>.*:\1:p' "$csproj" | head -n1)"
    [[ -n "$name" ]] || name="$(basename "$csproj" .csproj)"
    echo "$(dirname "$csproj")/bin/Release/net10.0/$name.dll"
}

# launch_system ROOT PORT LOGDIR "SILO_ENV" "GATEWAY_ENV"
# Starts ROOT's Release builds: `dotnet <Silo>.dll`, then, 3 s later, `dotnet <Gateway>.dll
# --urls http://127.0.0.1:PORT` (each from its output folder, so that its appsettings.json
# applies; the gateway with Chat__Gateway__ApiKey=$API_KEY), each with the extra environment
# given as VAR=VALUE words, and waits for /health/ready. Adds both to STARTED_PIDS and sets
# SYSTEM_URL and SYSTEM_PIDS; returns non-zero if the gateway does not become ready.
launch_system() {
    local root="$1" port="$2" logs="$3" silo_env="$4" gateway_env="$5" silo_dll gateway_dll silo_pid gateway_pid
    silo_dll="$(project_dll "$(ls "$root"/Silo/*.csproj | head -n1)")"
    gateway_dll="$(project_dll "$(ls "$root"/Gateway/*.csproj | head -n1)")"
    # shellcheck disable=SC2086
    (cd "$(dirname "$silo_dll")" && exec env $silo_env dotnet "$silo_dll") >"$logs/silo.log" 2>&1 &
    silo_pid=$!
    STARTED_PIDS+=("$silo_pid")
    sleep 3
    # shellcheck disable=SC2086
    (cd "$(dirname "$gateway_dll")" && exec env Chat__Gateway__ApiKey="$API_KEY" $gateway_env dotnet "$gateway_dll" --urls "http://127.0.0.1:$port") >"$logs/gateway.log" 2>&1 &
    gateway_pid=$!
    STARTED_PIDS+=("$gateway_pid")
    if ! dotnet "$BENCH_DLL" wait --url "http://127.0.0.1:$port/health/ready" --timeout 90; then
        return 1
    fi
    SYSTEM_URL="http://127.0.0.1:$port"
    SYSTEM_PIDS="gateway=$gateway_pid,silo=$silo_pid"
}

# Stops every process in STARTED_PIDS, the last started first, each ended before the next: a
# gateway before its silo, a silo before its redis-server (which it still needs to leave the
# cluster's membership; stopped together, the silo retried its membership writes for minutes).
stop_started() {
    local i pid
    for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
        pid="${STARTED_PIDS[i]}"
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    STARTED_PIDS=()
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
