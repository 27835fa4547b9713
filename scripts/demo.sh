#!/usr/bin/env bash
# Run layerscope on example images this repository makes (tests/fixtures/mkfixtures.py writes
# small real images: OCI layouts, docker-archive tarballs, gzip and zstd layers), on the
# hand-written advisories in tests/fixtures/advisories and on real PyPA records
# (data/sample-advisories).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
LS=$BUILD/layerscope
F=$BUILD/fixtures
[ -d "$F/basic-oci" ] && [ -f "$F/vuln-python.tar" ] || python3 tests/fixtures/mkfixtures.py "$F"
run() { echo; echo "\$ layerscope $*"; "$LS" "$@" || true; }
run layers "$F/basic-oci"
run tree --layer 2 "$F/basic-oci"
run analyze "$F/basic-oci"
"$LS" db import --db "$BUILD/demo-vuln.db" tests/fixtures/advisories >/dev/null
run scan --db "$BUILD/demo-vuln.db" --scanners vuln,secret "$F/vuln-debian.tar"
run scan --scanners secret "$F/secrets.tar"
# Real advisories (a PyPA subset shipped in data/sample-advisories) on pip-installed packages.
"$LS" db import --db "$BUILD/demo-sample.db" data/sample-advisories/pypa >/dev/null
run scan --db "$BUILD/demo-sample.db" "$F/vuln-python.tar"
# The same image as one self-contained HTML page (open it in a browser).
"$LS" report --db "$BUILD/demo-sample.db" -o "$BUILD/demo-report.html" "$F/vuln-python.tar"
echo
echo "\$ layerscope report --db $BUILD/demo-sample.db -o $BUILD/demo-report.html $F/vuln-python.tar"
echo "wrote $BUILD/demo-report.html; 'layerscope explore IMAGE' browses an image on the terminal"
