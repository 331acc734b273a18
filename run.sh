#!/usr/bin/env bash
# Runs OrleansChat locally: builds, starts one silo and one gateway with the embedded defaults
# (localhost clustering, in-memory storage and streams), and prints the page's URL.
# Ctrl-C stops both. PORT overrides the gateway's port (default 8080).
set -euo pipefail
cd "$(dirname "$0")"
port="${PORT:-8080}"

dotnet build Gateway/Gateway.csproj -c Release -nologo -v quiet
dotnet build Silo/Silo.csproj -c Release -nologo -v quiet

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

(cd Silo && exec dotnet bin/Release/net10.0/OrleansChat.Silo.dll) &
pids+=($!)
(cd Gateway && exec dotnet bin/Release/net10.0/OrleansChat.Gateway.dll --urls "http://localhost:${port}") &
pids+=($!)

for _ in $(seq 1 120); do
  if curl -fsS "http://localhost:${port}/health/ready" >/dev/null 2>&1; then
    echo
    echo "OrleansChat is running: http://localhost:${port}   (Ctrl-C stops it)"
    break
  fi
  sleep 0.5
done

# Exit (and stop the other) as soon as either process ends.
wait -n "${pids[@]}"
