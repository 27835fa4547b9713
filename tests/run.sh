#!/usr/bin/env bash
# Build layerscope twice — warnings as errors, and with AddressSanitizer + UBSan — and run every
# suite (unit, e2e, conformance, real) in both. Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

build() { # dir, extra meson args...
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" -Dwerror=true "$@" >/dev/null || return 1
  fi
  ninja -C "$dir" >/dev/null || { ninja -C "$dir"; return 1; }
}

status=0
build build || status=1
build build-asan -Db_sanitize=address,undefined -Db_lundef=false \
  -Dc_args=-fno-sanitize-recover=all || status=1
if [ $status -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for dir in build build-asan; do
  echo "=== meson test -C $dir"
  meson test -C "$dir" --num-processes 2 --print-errorlogs ${LS_TEST_ARGS:-} || status=1
done
python3 tests/summarize.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json \
  || status=1
exit $status
