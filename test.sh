#!/usr/bin/env bash
# Runs every test of OrleansChat, installing what the tests need when it is missing.
# Ends with one line "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs) # the contract test runs the page's frames.js
if ((${#need_apt[@]})); then
  echo "Installing ${need_apt[*]} (browser, cluster and contract tests)…"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null; fi
fi

# The deploy tests' schema check (kubernetes-models, from npm). Their image test uses podman when it is
# installed (it runs deploy/podman/setup.sh, whose base image is made once and reused) and is skipped
# otherwise; ORLEANSCHAT_PODMAN=install installs it first (measured costs in docs/deploy.md).
[ -d deploy/k8s/validate/node_modules ] || (cd deploy/k8s/validate && npm ci --no-audit --no-fund --silent)
if [ "${ORLEANSCHAT_PODMAN:-}" = install ]; then bash deploy/podman/setup.sh >/dev/null; fi

dotnet build OrleansChat.sln -c Release -nologo -v quiet
log="$(mktemp)"
set +e
dotnet test OrleansChat.sln -c Release --no-build --nologo --filter 'FullyQualifiedName!~OrleansChat.Deploy.Tests.ImageTests' 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# The image test alone, after the rest: publishing and building images beside the timing-sensitive
# tests slowed a socket reader enough to be closed as a slow consumer.
dotnet test tests/OrleansChat.Deploy.Tests -c Release --no-build --nologo --filter 'FullyQualifiedName~OrleansChat.Deploy.Tests.ImageTests' 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
set -e

# The fault scenarios' figures (tests/OrleansChat.Cluster.Tests/FaultTests.cs); xunit shows a passed test's output only in detail.
figures=tests/OrleansChat.Cluster.Tests/bin/Release/net10.0/fault-figures.txt
if [ -f "$figures" ]; then echo "Fault scenarios:"; sed 's/^/  /' "$figures"; fi

passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
if [ "$skipped" -gt 0 ]; then echo "tests skipped: ${skipped} (each says why above)"; fi
echo "tests: ${passed} passed, ${failed} failed"
exit "$status"
