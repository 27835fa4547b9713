#!/usr/bin/env bash
# Install the Debian packages layerscope needs to build and test. Idempotent and quick when
# everything is already there. Usage: scripts/install-deps.sh [build|test]
set -euo pipefail

build_pkgs=(build-essential meson ninja-build pkg-config
  libarchive-dev libzstd-dev libisal-dev libssl-dev libxxhash-dev libjansson-dev
  libyaml-dev libsqlite3-dev libvectorscan-dev)
test_pkgs=(libcmocka-dev python3 zstd isal xxhash tar gzip jq pigz
  clang libclang-rt-14-dev
  buildah skopeo busybox-static debootstrap docker.io uidmap)

# vercmp oracles (tests/e2e/vercmp_oracles.sh): rpm's own ordering, pypa/packaging.
test_pkgs+=(rpm python3-packaging)
# ShellCheck findings in `layerscope lint` (tests/conformance/hadolint.sh, tests/e2e/lint_rules.sh).
test_pkgs+=(shellcheck)
# sbom oracles (tests/real/sbom_*.sh): rpmbuild/rpm, go version -m, npm install + ajv.
test_pkgs+=(rpm db5.3-util golang-go nodejs npm)
# SARIF validation in tests/e2e/lint_cli.sh (npm package @microsoft/sarif-multitool-linux).
test_pkgs+=(npm)

want=("${build_pkgs[@]}")
[ "${1:-build}" = test ] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
