#!/usr/bin/env bash
# Install the Debian packages layerscope needs to build and test. Idempotent and quick when
# everything is already there. Usage: scripts/install-deps.sh [build|demo|test]
set -euo pipefail

build_pkgs=(build-essential meson ninja-build pkg-config
  libarchive-dev libzstd-dev libisal-dev libssl-dev libxxhash-dev libjansson-dev
  libyaml-dev libsqlite3-dev libvectorscan-dev libcurl4-openssl-dev libncurses-dev)
# `serve`: its HTTP front.
build_pkgs+=(libmicrohttpd-dev)
test_pkgs=(libcmocka-dev python3 zstd isal xxhash tar gzip jq pigz
  clang libclang-rt-14-dev
  buildah skopeo busybox-static debootstrap docker.io uidmap)

# docker-daemon: through Podman's Docker-compatible socket too (tests/real/daemon.sh).
test_pkgs+=(podman)
# explore (tests/e2e/explore.sh): a real terminal to drive the TUI in; script(1) for a tty.
test_pkgs+=(tmux bsdutils)
# Servers started by the tests are checked to own their port (ss).
test_pkgs+=(iproute2)
# vercmp oracles (tests/e2e/vercmp_oracles.sh): rpm's own ordering, pypa/packaging.
test_pkgs+=(rpm python3-packaging)
# ShellCheck findings in `layerscope lint` (tests/conformance/hadolint.sh, tests/e2e/lint_rules.sh).
test_pkgs+=(shellcheck)
# sbom oracles (tests/real/sbom_*.sh): rpmbuild/rpm, go version -m, npm install + ajv.
test_pkgs+=(rpm db5.3-util golang-go)
# report rendering (tests/e2e/report.sh): headless screenshot and DOM dump.
test_pkgs+=(chromium)
# docker:// (tests/e2e/registry.sh): a real registry, htpasswd (bcrypt) and a JWT token service.
test_pkgs+=(docker-registry apache2-utils openssl curl python3-jwt python3-cryptography)
# npm: sbom oracles (npm install, ajv) and SARIF validation (@microsoft/sarif-multitool-linux).
# A machine may already have Node.js from elsewhere (it ships its own npm and conflicts with
# Debian's npm package): only ask Debian for it when there is no npm at all.
command -v npm >/dev/null 2>&1 || test_pkgs+=(nodejs npm)

missing_of() {
  local p
  for p in "$@"; do
    dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done | sort -u
}

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
updated=""
install() { # packages…; returns non-zero if apt-get fails
  [ -n "$updated" ] || { $SUDO apt-get update -qq; updated=1; }
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Build dependencies must install (the demo also needs what writes its example images).
[ "${1:-build}" = demo ] && build_pkgs+=(python3 zstd tar)
mapfile -t missing < <(missing_of "${build_pkgs[@]}")
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  install "${missing[@]}"
fi
[ "${1:-build}" = test ] || exit 0

# Test tools: all at once, else one by one; a tool that cannot be installed is reported and
# the tests that need it skip with a message.
mapfile -t missing < <(missing_of "${test_pkgs[@]}")
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}" >&2
if ! install "${missing[@]}" 2>/dev/null; then
  for p in "${missing[@]}"; do
    install "$p" 2>/dev/null || echo "install-deps: WARNING: could not install $p; tests that need it will skip" >&2
  done
fi
exit 0
