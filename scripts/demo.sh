#!/usr/bin/env bash
# Run layerscope on an example image this repository makes (tests/fixtures/mkfixtures.py
# writes small real images: OCI layouts, docker-archive tarballs, gzip and zstd layers).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
mkdir -p "$BUILD/fixtures"
[ -d "$BUILD/fixtures/basic-oci" ] || python3 tests/fixtures/mkfixtures.py "$BUILD/fixtures"
image="$BUILD/fixtures/basic-oci"
echo "\$ layerscope layers $image"
"$BUILD/layerscope" layers "$image"
