#!/usr/bin/env bash
# The network sources against their floors, on the bench image's gzip variant
# (bench/make-image.py): `layerscope layers` of
#   - docker://   a docker-registry on loopback, the image pushed by skopeo; the floor is
#                 fetching every blob with curl and decompressing it (curl | igzip -dc);
#   - docker-daemon:  a private dockerd (tests/real/dockerd.sh) with the image loaded; the floor
#                 is one `docker save` to /dev/null (layerscope reads the export twice: see
#                 docs/image-model.md);
#   - the docker-archive itself, for reference.
# Prints a table and writes bench/results-sources.json. Needs root (dockerd); without dockerd or
# docker-registry that part is skipped with a message.
#
# Usage: bench/sources.sh
# Environment: BENCH_RUNS (3; best of N), BENCH_SETTLE (10), LAYERSCOPE (a binary instead of
#   building build-bench/), BENCH_CACHE (bench/cache), BENCH_SOURCES_RESULTS.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
# shellcheck source=tests/real/dockerd.sh
. "$ROOT/tests/real/dockerd.sh"
RUNS=${BENCH_RUNS:-3}
CACHE=${BENCH_CACHE:-$HERE/cache}
RESULTS=${BENCH_SOURCES_RESULTS:-$HERE/results-sources.json}

bench_tools time igzip skopeo curl python3 jq
bench_binary "$ROOT"
python3 "$HERE/make-image.py" --cache "$CACHE" >&2 || bench_die "make-image.py failed"
ARCHIVE=$CACHE/docker-gzip.tar
[ -f "$ARCHIVE" ] || bench_die "no $ARCHIVE"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ls-bench-sources.XXXXXX")
REG_PID=
cleanup() { [ -z "$REG_PID" ] || kill "$REG_PID" 2>/dev/null; dockerd_stop; rm -rf "$TMP"; }
trap cleanup EXIT
read -r LOAD_START _ </proc/loadavg
echo "bench: $LS, best of $RUNS, $(nproc) cores, 1-min load $LOAD_START" >&2
: >"$TMP/rows.tsv"

# measure NAME CMD…: best of RUNS into rows.tsv as "NAME<TAB>seconds cpu rss"
measure() {
  local name=$1
  shift
  for ((i = 0; i < RUNS; i++)); do
    bench_settle
    bench_timed "$TMP/$name" "$@"
  done
  printf '%s\t%s\n' "$name" "$(bench_best "$TMP/$name")" >>"$TMP/rows.tsv"
}

cat "$ARCHIVE" >/dev/null # warm the page cache
measure archive "$LS" layers "docker-archive:$ARCHIVE"

# ---- a registry on loopback ----
if command -v docker-registry >/dev/null; then
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  mkdir -p "$TMP/registry-store"
  printf 'version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: "127.0.0.1:%s"}\n' \
    "$TMP/registry-store" "$port" >"$TMP/registry.yml"
  docker-registry serve "$TMP/registry.yml" >"$TMP/registry.log" 2>&1 &
  REG_PID=$!
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done
  ref=docker://127.0.0.1:$port/bench:gzip
  skopeo copy -q --dest-tls-verify=false "docker-archive:$ARCHIVE" "$ref" ||
    bench_die "skopeo copy to the registry failed"
  "$LS" layers --json --tls-verify=false "$ref" >"$TMP/reg.json"
  jq -r '.layers[].digest' "$TMP/reg.json" |
    sed "s|^|http://127.0.0.1:$port/v2/bench/blobs/|" >"$TMP/blob-urls"
  # shellcheck disable=SC2016 # expanded by the bash -c that runs it
  measure registry-floor bash -c 'while read -r u; do curl -s "$u" | igzip -dc >/dev/null; done <"$1"' \
    floor "$TMP/blob-urls"
  measure registry "$LS" layers --tls-verify=false "$ref"
else
  echo "bench: docker-registry is not installed: no registry figures" >&2
fi

# ---- a Docker engine ----
if [ "$(id -u)" -eq 0 ] && dockerd_start "$TMP/dockerd.log" >"$TMP/why"; then
  $DOCKER load -q -i "$ARCHIVE" >"$TMP/load" || bench_die "docker load failed"
  name=$(tar -xOf "$ARCHIVE" manifest.json | jq -r '.[0].RepoTags[0] // empty')
  [ -n "$name" ] || name=$(sed -n 's/^Loaded image ID: //p' "$TMP/load")
  # shellcheck disable=SC2016 # expanded by the bash -c that runs it
  measure daemon-floor bash -c '$1 save "$2" >/dev/null' save "$DOCKER" "$name"
  measure daemon env DOCKER_HOST="unix://$DOCKERD_SOCK" "$LS" layers "docker-daemon:$name"
else
  echo "bench: no dockerd here ($(cat "$TMP/why" 2>/dev/null || echo 'needs root')): no daemon figures" >&2
fi
read -r LOAD_END _ </proc/loadavg

python3 - "$TMP/rows.tsv" "$RESULTS" "$RUNS" "$LOAD_START" "$LOAD_END" "$LS" "$ROOT" <<'EOF'
import os, sys
rows_path, results, runs, load0, load1, ls, root = sys.argv[1:]
sys.path.insert(0, os.path.join(root, "bench"))
from results import provenance, timing, write
rows = {}
for line in open(rows_path):
    name, best = line.rstrip("\n").split("\t")
    rows[name] = timing(best)
for src, floor in (("registry", "registry-floor"), ("daemon", "daemon-floor")):
    if src in rows and floor in rows:
        rows[src]["ratioToFloor"] = round(rows[src]["seconds"] / rows[floor]["seconds"], 2)
    if src in rows and "archive" in rows:
        rows[src]["ratioToArchive"] = round(rows[src]["seconds"] / rows["archive"]["seconds"], 2)
write(results, dict(provenance(ls, root, runs, load0, load1), image="bench gzip variant",
                   results=rows))
print("layerscope layers through the network sources; best of %s; 1-min load %s at start, %s at end"
      % (runs, load0, load1))
print()
print("%-16s %8s %8s %8s %8s %10s" % ("", "seconds", "cpu s", "RSS MiB", "x floor", "x archive"))
labels = {"archive": "docker-archive", "registry-floor": "  curl | igzip", "registry": "docker://",
          "daemon-floor": "  docker save", "daemon": "docker-daemon:"}
for k in ("archive", "registry-floor", "registry", "daemon-floor", "daemon"):
    if k in rows:
        r = rows[k]
        print("%-16s %8.3f %8.2f %8.0f %8s %10s" % (labels[k], r["seconds"], r["cpuSeconds"],
              r["peakRssKiB"] / 1024, r.get("ratioToFloor", ""), r.get("ratioToArchive", "")))
print()
print("docker:// floor: every blob fetched with curl and decompressed, one after the other;")
print("docker-daemon: floor: one `docker save` (layerscope reads the export twice).")
print("wrote %s" % results)
EOF
