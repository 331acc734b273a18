#!/usr/bin/env bash
# Builds the silo's and the gateway's images, tagged with the project's version
# (Directory.Build.props' Version), with whichever engine works here: podman, else docker.
#   deploy/images.sh [--engine podman|docker] [--base IMAGE] [--registry PREFIX] [--push]
# --base     the base image (BASE_IMAGE build argument); default Microsoft's runtime-deps:10.0,
#            or $ORLEANSCHAT_BASE_IMAGE (deploy/podman/setup.sh sets it to a locally made one).
# --registry prefix for the image names (e.g. registry.example.com/chat); default none.
# --push     push both tags after building.
# The programs are published on this machine (self-contained, linux-x64) and the published
# folders are the build contexts: the build needs no SDK and no NuGet access in a container.
# Prints the two image references on its last two lines.
set -euo pipefail
cd "$(dirname "$0")/.."

engine="" base="${ORLEANSCHAT_BASE_IMAGE:-}" registry="" push=false
while (($#)); do
  case "$1" in
    --engine) engine="$2"; shift 2 ;;
    --base) base="$2"; shift 2 ;;
    --registry) registry="${2%/}/"; shift 2 ;;
    --push) push=true; shift ;;
    *) echo "images.sh: unknown argument '$1' (see the comment at the top)" >&2; exit 2 ;;
  esac
done

if [ -z "$engine" ]; then
  # A docker client without a daemon is no engine: ask each one for its info.
  if command -v podman >/dev/null 2>&1 && podman info >/dev/null 2>&1; then engine=podman
  elif command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then engine=docker
  else echo "images.sh: no working container engine (podman or docker); deploy/podman/setup.sh installs podman" >&2; exit 3
  fi
fi

version="$(dotnet msbuild Silo/Silo.csproj -getProperty:Version -nologo)"
build_args=()
[ -n "$base" ] && build_args+=(--build-arg "BASE_IMAGE=$base")
# Podman inside a container: chroot isolation and the host's network (deploy/podman/setup.sh).
[ "$engine" = podman ] && build_args+=(--isolation chroot --network host --format docker)

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# mktemp's folder is 0700: readable by all, so the image's non-root user can enter /app.
chmod 755 "$out"
images=()
for program in silo gateway; do
  project="Silo/Silo.csproj"; [ "$program" = gateway ] && project="Gateway/Gateway.csproj"
  dotnet publish "$project" -c Release -r linux-x64 --self-contained -nologo -v quiet -o "$out/$program" >&2
  chmod -R a+rX "$out/$program"
  image="${registry}orleanschat-$program:$version"
  "$engine" build "${build_args[@]}" -f "deploy/docker/$program.Dockerfile" -t "$image" "$out/$program" >&2
  images+=("$image")
done

if $push; then
  for image in "${images[@]}"; do "$engine" push "$image" >&2; done
fi
printf '%s\n' "${images[@]}"
