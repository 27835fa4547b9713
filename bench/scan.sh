#!/usr/bin/env bash
# The scan benchmark (issue 6): `layerscope scan --scanners vuln,secret` of the bench image
# (bench/make-image.py) against the floor (igzip -dc / zstd -dc of the same blobs) and against
# `layerscope layers`, and `db import` throughput in records/s of the Go vulndb (4,291 OSV JSON
# records) and the PyPA database (2,661 OSV YAML records) from ../shared/vulndata. Prints a
# table and writes bench/results-scan.json.
#
# Usage: bench/scan.sh
# Environment: BENCH_RUNS (3; best of N), BENCH_VARIANTS ("gzip zstd"), BENCH_SETTLE (10),
#   LAYERSCOPE (a binary instead of building build-bench/), BENCH_CACHE (bench/cache),
#   SHARED (the shared folder; ../shared by default), BENCH_SCAN_RESULTS.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"
RUNS=${BENCH_RUNS:-3}
VARIANTS=${BENCH_VARIANTS:-gzip zstd}
CACHE=${BENCH_CACHE:-$HERE/cache}
RESULTS=${BENCH_SCAN_RESULTS:-$HERE/results-scan.json}
VULNDATA=${SHARED:-$ROOT/../shared}/vulndata

bench_tools time igzip zstd pigz python3
bench_binary "$ROOT"
python3 "$HERE/make-image.py" --cache "$CACHE" >&2 || bench_die "make-image.py failed"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ls-bench-scan.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
read -r LOAD_START _ </proc/loadavg
echo "bench: $LS, best of $RUNS, $(nproc) cores, 1-min load $LOAD_START" >&2

# ---- db import throughput: each run into a fresh database ----
: >"$TMP/imports.tsv"
import_bench() { # NAME PATH
  local name=$1 path=$2 records
  [ -e "$path" ] || { echo "bench: $path is absent: no $name import figure" >&2; return 0; }
  echo "bench: db import $name" >&2
  for ((i = 0; i < RUNS; i++)); do
    rm -f "$TMP/$name.db"
    bench_settle
    bench_timed "$TMP/import-$name" "$LS" db import --db "$TMP/$name.db" "$path"
  done
  records=$("$LS" db info --db "$TMP/$name.db" | awk '/^advisories:/ {print $2}')
  printf '%s\t%s\t%s\t%s\n' "$name" "$path" "$records" "$(bench_best "$TMP/import-$name")" >>"$TMP/imports.tsv"
}
import_bench go-vulndb "$VULNDATA/golang-vulndb/data/osv"
import_bench pypa "$VULNDATA/pypa/vulns"

# The database the scans use: both sets when present, else the hand-written fixtures.
DB=$TMP/scan.db
if [ -d "$VULNDATA/golang-vulndb/data/osv" ] && [ -d "$VULNDATA/pypa/vulns" ]; then
  "$LS" db import --db "$DB" "$VULNDATA/golang-vulndb/data/osv" "$VULNDATA/pypa/vulns" >/dev/null
else
  "$LS" db import --db "$DB" "$ROOT/tests/fixtures/advisories" >/dev/null
fi

# ---- scan against the floor and against layers, interleaved (the same background load) ----
: >"$TMP/scans.tsv"
for v in $VARIANTS; do
  case $v in gzip) tool=igzip ;; zstd) tool=zstd ;; *) bench_die "variant $v?" ;; esac
  mapfile -t blobs < <(bench_blobs_of "$CACHE" "$v")
  ref=oci:$CACHE/oci-$v
  cat "${blobs[@]}" >/dev/null # warm the page cache
  echo "bench: scan $v" >&2
  "$LS" scan --scanners vuln,secret --db "$DB" --format json "$ref" >"$TMP/scan-$v.json" 2>"$TMP/err" ||
    { cat "$TMP/err" >&2; bench_die "layerscope scan $ref failed"; }
  for ((i = 0; i < RUNS; i++)); do
    bench_settle
    # shellcheck disable=SC2016 # expanded by the bash -c that runs it
    bench_timed "$TMP/floor-$v" bash -c '. "$1"; shift; bench_floor "$@"' floor "$HERE/lib.sh" "$tool" "${blobs[@]}"
    bench_timed "$TMP/layers-$v" "$LS" layers "$ref"
    bench_timed "$TMP/scan-$v" "$LS" scan --scanners vuln,secret --db "$DB" "$ref"
  done
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$v" "$tool" "$ref" "$(bench_best "$TMP/floor-$v")" \
    "$(bench_best "$TMP/layers-$v")" "$(bench_best "$TMP/scan-$v")" >>"$TMP/scans.tsv"
done
read -r LOAD_END _ </proc/loadavg

python3 - "$TMP" "$RESULTS" "$RUNS" "$LOAD_START" "$LOAD_END" "$LS" "$ROOT" <<'EOF'
import json, os, sys
tmp, results, runs, load0, load1, ls, root = sys.argv[1:]
sys.path.insert(0, os.path.join(root, "bench"))
from results import provenance, timing, write

imports = []
for line in open(os.path.join(tmp, "imports.tsv")):
    name, path, records, best = line.rstrip("\n").split("\t")
    t = timing(best)
    imports.append(dict(t, source=name, path=path, records=int(records),
                        recordsPerSecond=round(int(records) / t["seconds"])))
scans = []
for line in open(os.path.join(tmp, "scans.tsv")):
    v, tool, ref, floor, layers, scan = line.rstrip("\n").split("\t")
    f, l, s = timing(floor), timing(layers), timing(scan)
    found = json.load(open(os.path.join(tmp, "scan-%s.json" % v)))
    scans.append({"variant": v, "reference": ref,
                  "floor": dict(f, tool={"igzip": "igzip -dc", "zstd": "zstd -dc"}[tool]),
                  "layers": dict(l, ratioToFloor=round(l["seconds"] / f["seconds"], 2)),
                  "scan": dict(s, ratioToFloor=round(s["seconds"] / f["seconds"], 2),
                               ratioToLayers=round(s["seconds"] / l["seconds"], 2),
                               command="scan --scanners vuln,secret",
                               vulnerabilities=len(found["vulnerabilities"]),
                               secrets=len(found.get("secrets") or []))})
write(results, dict(provenance(ls, root, runs, load0, load1), imports=imports, scans=scans))

print("layerscope scan / db import benchmark; best of %s; 1-min load %s at start, %s at end"
      % (runs, load0, load1))
print()
print("%-10s %8s %10s %8s %9s %8s" % ("db import", "records", "seconds", "cpu s", "records/s", "RSS MiB"))
for i in imports:
    print("%-10s %8d %10.3f %8.2f %9d %8.0f" % (i["source"], i["records"], i["seconds"],
          i["cpuSeconds"], i["recordsPerSecond"], i["peakRssKiB"] / 1024))
print()
print("%-6s %-9s %7s | %7s %5s | %7s %7s %5s %7s | %5s %7s" % (
    "image", "floor", "s", "layers", "x", "scan", "cpu s", "x", "x layers", "vulns", "secrets"))
for r in scans:
    print("%-6s %-9s %7.3f | %7.3f %5.2f | %7.3f %7.2f %5.2f %7.2f | %5d %7d" % (
        r["variant"], r["floor"]["tool"], r["floor"]["seconds"], r["layers"]["seconds"],
        r["layers"]["ratioToFloor"], r["scan"]["seconds"], r["scan"]["cpuSeconds"],
        r["scan"]["ratioToFloor"], r["scan"]["ratioToLayers"], r["scan"]["vulnerabilities"],
        r["scan"]["secrets"]))
print()
print("x = wall time / the floor (decompressing the blobs one after the other); x layers = scan /")
print("`layerscope layers` (what vuln + secret scanning add to reading and verifying the image).")
print("wrote %s" % results)
EOF
