#!/usr/bin/env bash
# Prepares podman for building and running OrleansChat's images on a machine with no public image
# registry, and prints the environment that deploy/images.sh and the image test need:
#   eval "$(deploy/podman/setup.sh)"
# 1. Installs podman, runc and debootstrap from Debian when missing (as root; sudo otherwise).
# 2. Writes podman's configuration into a state folder (nothing under /etc is changed):
#    vfs storage (no overlay in a container), runc as the runtime, cgroups and networking off
#    where a nested container cannot have them, raised nofile/nproc limits (dotnet's thread pool
#    and Kestrel exceed the defaults); build and run then need --isolation chroot / --network host,
#    which deploy/images.sh and the test pass.
# 3. Makes the base image localhost/orleanschat-base:bookworm once, when it is not there yet:
#    a minimal Debian root (debootstrap --variant=minbase) with what a self-contained .NET program
#    needs (libicu72 libssl3 ca-certificates tzdata), imported with podman import. It is kept in the
#    state folder's image store and reused by every later run (see docs/deploy.md for its cost).
# Environment: ORLEANSCHAT_PODMAN_DIR (default /var/tmp/orleanschat-podman), DEBIAN_MIRROR.
set -euo pipefail

state="${ORLEANSCHAT_PODMAN_DIR:-/var/tmp/orleanschat-podman}"
base_image="localhost/orleanschat-base:bookworm"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if ((${#missing[@]})); then
  echo "setup.sh: installing ${missing[*]}" >&2
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

mkdir -p "$state/storage" "$state/run"
cat > "$state/storage.conf" <<CONF
[storage]
driver = "vfs"
graphroot = "$state/storage"
runroot = "$state/run"
CONF
cat > "$state/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
netns = "host"
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "none"
CONF
export CONTAINERS_STORAGE_CONF="$state/storage.conf" CONTAINERS_CONF="$state/containers.conf"

if ! podman image exists "$base_image" 2>/dev/null; then
  echo "setup.sh: making $base_image with debootstrap (once; kept in $state)" >&2
  root="$(mktemp -d)"
  chmod 755 "$root"  # mktemp makes it 0700, which would become the image's / and lock out its non-root user
  trap 'rm -rf "$root"' EXIT
  as_root debootstrap --variant=minbase --include=libicu72,libssl3,ca-certificates,tzdata bookworm "$root" "$mirror" >&2
  as_root rm -rf "$root/var/cache/apt/archives"/*.deb "$root/var/lib/apt/lists"/*
  as_root tar -C "$root" -c . | podman import --change 'CMD ["/bin/bash"]' - "$base_image" >&2
fi

echo "export CONTAINERS_STORAGE_CONF='$state/storage.conf' CONTAINERS_CONF='$state/containers.conf' ORLEANSCHAT_BASE_IMAGE='$base_image'"
