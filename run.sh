#!/usr/bin/env bash
# Runs OrleansChat locally: one silo and one gateway with the embedded defaults (localhost
# clustering, in-memory storage and streams), and prints the page's URL. Ctrl-C stops both.
# PORT overrides the gateway's port (default 8080). Each process's output is also in .run/.
set -euo pipefail
cd "$(dirname "$0")"
port="${PORT:-8080}"
out=bin/Release/net10.0
stamp=.run/built
mkdir -p .run

# Build only when a source changed since the last build here: even with nothing to do,
# `dotnet build` spends seconds evaluating and restoring every project.
changed() {
  [[ ! -f $stamp || ! -f Silo/$out/OrleansChat.Silo.dll || ! -f Gateway/$out/OrleansChat.Gateway.dll ]] && return 0
  [[ -n "$(find Silo Gateway Grains Grains.Interfaces Protocol Directory.Build.props Directory.Packages.props global.json \
      -newer "$stamp" -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' \) \
      -not -path '*/bin/*' -not -path '*/obj/*' -not -path '*/wwwroot/*' -print -quit 2>/dev/null)" ]]
}
if changed; then
  echo "Building…"
  if ! dotnet build OrleansChat.Run.slnf -c Release -nologo -v quiet -clp:NoSummary > .run/build.log 2>&1; then
    cat .run/build.log
    exit 1
  fi
  touch "$stamp"
fi

pids=()
stop() {
  trap - INT TERM EXIT
  # The gateway first, so that it does not report the silo going away.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
}
trap stop INT TERM EXIT

# A normal start prints only the URL: the processes log warnings and errors. Orleans' silo notes
# that it runs without server GC (the SDK's default for a console program) at Warning, so its own
# category shows errors only.
quiet=(env Logging__Console__LogLevel__Default=Warning Logging__Console__LogLevel__Orleans.Runtime.Silo=Error)

failed() {
  echo "OrleansChat did not start: the $1 $2. Its log, .run/$1.log, ends with:" >&2
  tail -n 20 ".run/$1.log" >&2
  exit 1
}

(cd Silo && exec "${quiet[@]}" dotnet "$out/OrleansChat.Silo.dll") > >(tee .run/silo.log) 2>&1 &
pids+=($!)
# The gateway starts once the silo takes clients (its gateway port, 30000), so it never has to retry.
for _ in $(seq 1 120); do
  (exec 3<>/dev/tcp/127.0.0.1/30000) 2>/dev/null && break
  kill -0 "${pids[0]}" 2>/dev/null || failed silo "exited"
  sleep 0.25
done

(cd Gateway && exec "${quiet[@]}" dotnet "$out/OrleansChat.Gateway.dll" --urls "http://localhost:${port}") > >(tee .run/gateway.log) 2>&1 &
pids+=($!)
ready=
for _ in $(seq 1 240); do
  if curl -fsS "http://localhost:${port}/health/ready" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "${pids[1]}" 2>/dev/null || failed gateway "exited"
  sleep 0.25
done
[[ -n $ready ]] || failed gateway "was not ready within a minute"
echo "OrleansChat is running: http://localhost:${port}   (Ctrl-C stops it)"

# Exit (and stop the other) as soon as either process ends.
wait -n "${pids[@]}"
