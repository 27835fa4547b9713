#!/usr/bin/env bash
# The layerscope benchmark: `layerscope layers` against the floor (plain decompression of the
# same blobs) on a generated 611 MB, 126,171-entry image, gzip / zstd / plain, OCI layout and
# docker-archive. Prints a table and writes bench/results.json. See bench/README.md.
#
# Usage: bench/run.sh [--check]      (--check: exit 1 when a target is missed)
# Environment: BENCH_RUNS (3; best of N), BENCH_VARIANTS ("gzip zstd plain"),
#   BENCH_TRANSPORTS ("oci docker-archive"), BENCH_SETTLE (10: seconds to wait for a quiet
#   machine before each repetition), LAYERSCOPE (a binary to use instead of building
#   build-bench/ with -Dbuildtype=release), BENCH_CACHE (bench/cache), BENCH_RESULTS.

set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
RUNS=${BENCH_RUNS:-3}
VARIANTS=${BENCH_VARIANTS:-gzip zstd plain}
TRANSPORTS=${BENCH_TRANSPORTS:-oci docker-archive}
CACHE=${BENCH_CACHE:-$HERE/cache}
RESULTS=${BENCH_RESULTS:-$HERE/results.json}
CHECK=0
case "${1:-}" in
  --check) CHECK=1 ;;
  -h|--help) sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) echo "bench/run.sh: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

die() { echo "bench/run.sh: $*" >&2; exit 2; }
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"

# ---- tools, and the binary: a release build of our own (or $LAYERSCOPE) ----
bench_tools time igzip zstd pigz python3 openssl
bench_binary "$ROOT"
STALE=$BENCH_STALE

# ---- the image (built once, cached) ----
python3 "$HERE/make-image.py" --cache "$CACHE" || die "make-image.py failed"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/ls-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
ROWS=$TMP/rows.tsv
: >"$ROWS"

HZ=$(getconf CLK_TCK)
# settle and timed (bench/lib.sh): wait for a quiet moment; run once and append "wall-µs
# peak-RSS-KiB user sys busy-ticks" (CPU of children included, so a shell loop of
# decompressors counts them all; busy ticks minus the command's own CPU is what others took).
settle() { bench_settle; }
timed() { bench_timed "$@"; }

# The floor: decompress (or cat, or hash) every blob to /dev/null, one after the other.
# shellcheck disable=SC2016 # expanded by the bash -c that runs it
FLOOR_SH='tool=$1; shift
for b; do
  case $tool in
    igzip) igzip -dc <"$b" ;;
    zstd) zstd -dcq <"$b" ;;
    cat) cat "$b" ;;
    sha256) openssl dgst -sha256 <"$b" ;;
  esac >/dev/null || exit 1
done'

blobs_of() { bench_blobs_of "$CACHE" "$1"; }

read -r LOAD_START _ </proc/loadavg
CORES=$(nproc)
echo "bench: $LS, best of $RUNS, $CORES cores, 1-min load $LOAD_START" >&2
mapfile -t plain_blobs < <(blobs_of plain)
cat "${plain_blobs[@]}" >/dev/null

for v in $VARIANTS; do
  mapfile -t blobs < <(blobs_of "$v")
  case $v in gzip) tool=igzip ;; zstd) tool=zstd ;; plain) tool="cat" ;; *) die "variant $v?" ;; esac
  # What verifying costs at the least: SHA-256 of every blob and of every uncompressed layer
  # (the diff_id; the same bytes as the blob when the layer is plain), with OpenSSL.
  hashed=("${blobs[@]}")
  [ "$v" = plain ] || hashed+=("${plain_blobs[@]}")
  # Warm the page cache: everything is measured from memory, never from the disk.
  cat "${blobs[@]}" >/dev/null
  for t in $TRANSPORTS; do
    case $t in
      oci) ref=oci:$CACHE/oci-$v ;;
      docker-archive) ref=docker-archive:$CACHE/docker-$v.tar; cat "$CACHE/docker-$v.tar" >/dev/null ;;
      *) die "transport $t?" ;;
    esac
    read -r load _ </proc/loadavg
    echo "bench: $t $v (load $load)" >&2
    "$LS" layers --json "$ref" >"$TMP/json-$t-$v" 2>"$TMP/err" ||
      { cat "$TMP/err" >&2; die "layerscope layers $ref failed"; }
    # Interleaved, so the floor and layerscope see the same background load.
    for ((i = 0; i < RUNS; i++)); do
      settle
      timed "$TMP/floor-$t-$v" bash -c "$FLOOR_SH" floor "$tool" "${blobs[@]}"
      timed "$TMP/sha-$t-$v" bash -c "$FLOOR_SH" floor sha256 "${hashed[@]}"
      timed "$TMP/t1-$t-$v" "$LS" layers --threads 1 "$ref"
      timed "$TMP/tn-$t-$v" "$LS" layers "$ref"
    done
    printf '%s\t%s\t%s\t%s\t%s\n' "$t" "$v" "$tool" "$ref" "$load" >>"$ROWS"
  done
done
read -r LOAD_END _ </proc/loadavg

python3 - "$TMP" "$CACHE" "$RESULTS" "$CORES" "$RUNS" "$LOAD_START" "$LOAD_END" "$LS" "$ROOT" \
  "$CHECK" "$HZ" "$STALE" <<'EOF'
import json, os, platform, subprocess, sys, time
tmp, cache, results, cores, runs, load0, load1, ls, root, check, hz, stale = sys.argv[1:]
MIB = 1024 * 1024
T1_MAX, TN_MAX, RSS_BASE, RSS_PER_ENTRY = 1.3, 1.0, 16 * MIB, 200
meta = json.load(open(os.path.join(cache, "image.json")))

def runs_of(path):
    rows = [list(map(float, l.split())) for l in open(path) if l.strip()]
    # others: cores used by other processes during the run (machine busy time - our CPU).
    return [{"seconds": r[0] / 1e6, "rssKiB": int(r[1]), "cpuSeconds": round(r[2] + r[3], 2),
             "others": round(max(r[4] / float(hz) - r[2] - r[3], 0) / (r[0] / 1e6), 2)}
            for r in rows]

def best(rs):
    b = min(rs, key=lambda r: r["seconds"])
    return {"seconds": round(b["seconds"], 3), "cpuSeconds": b["cpuSeconds"],
            "peakRssKiB": max(r["rssKiB"] for r in rs),  # the worst run: RSS is a ceiling
            "othersCores": b["others"],
            "allSeconds": [round(r["seconds"], 3) for r in rs],
            "allOthersCores": [r["others"] for r in rs]}

def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=root).stdout.strip()
    except OSError:
        return ""

def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()

out_rows, misses = [], []
for line in open(os.path.join(tmp, "rows.tsv")):
    t, v, tool, ref, load = line.rstrip("\n").split("\t")
    js = json.load(open(os.path.join(tmp, "json-%s-%s" % (t, v))))
    entries = js["image"]["files"]
    floor = best(runs_of(os.path.join(tmp, "floor-%s-%s" % (t, v))))
    sha = best(runs_of(os.path.join(tmp, "sha-%s-%s" % (t, v))))
    verified = floor["seconds"] + sha["seconds"]
    t1 = best(runs_of(os.path.join(tmp, "t1-%s-%s" % (t, v))))
    tn = best(runs_of(os.path.join(tmp, "tn-%s-%s" % (t, v))))
    rss = max(t1["peakRssKiB"], tn["peakRssKiB"]) * 1024
    # Background: the most other processes took during the best runs of the row.
    bg = max(floor["othersCores"], t1["othersCores"], tn["othersCores"])
    row = {
        "transport": t, "variant": v, "reference": ref, "entries": entries,
        "loadavg1": float(load), "backgroundCores": bg,
        "expectedEntries": meta["entries"], "layers": len(js["layers"]),
        "compressedBytes": meta["variants"][v]["compressedBytes"], "tarBytes": meta["tarBytes"],
        "floor": dict(floor, tool={"igzip": "igzip -dc", "zstd": "zstd -dc", "cat": "cat"}[tool]),
        "sha256Floor": dict(sha, tool="openssl dgst -sha256",
                            hashedBytes=meta["variants"][v]["compressedBytes"] +
                            (meta["tarBytes"] if v != "plain" else 0)),
        "verifiedFloorSeconds": round(verified, 3),
        "threads1": dict(t1, ratio=round(t1["seconds"] / floor["seconds"], 2),
                         cpuRatio=round(t1["cpuSeconds"] / max(floor["cpuSeconds"], 0.01), 2),
                         ratioToVerifiedFloor=round(t1["seconds"] / verified, 2)),
        "threadsDefault": dict(tn, threads=min(int(cores), len(js["layers"])),
                               ratio=round(tn["seconds"] / floor["seconds"], 2),
                               ratioToVerifiedFloor=round(tn["seconds"] / verified, 2)),
        "rssBytesPerEntry": round((rss - RSS_BASE) / entries, 1),
    }
    row["pass"] = {"threads1": row["threads1"]["ratio"] <= T1_MAX,
                   "threadsDefault": row["threadsDefault"]["ratio"] < TN_MAX,
                   "rss": row["rssBytesPerEntry"] <= RSS_PER_ENTRY,
                   "entries": entries == meta["entries"]}
    for k, ok in row["pass"].items():
        if not ok:
            misses.append("%s %s: %s" % (t, v, k))
    out_rows.append(row)

doc = {
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "commit": sh("git", "rev-parse", "--short", "HEAD"),
    "treeDirty": bool(sh("git", "status", "--porcelain", "--untracked-files=no")),
    "layerscope": sh(ls, "--version"),
    "binary": os.path.abspath(ls),
    "staleBinary": stale == "1",  # the build failed; an older binary was measured
    "machine": {"cpu": cpu_model(), "cores": int(cores), "kernel": platform.release(),
                "loadavg1Start": float(load0), "loadavg1End": float(load1)},
    "runs": int(runs),
    "image": {"layers": len(meta["layers"]), "entries": meta["entries"],
              "fileBytes": meta["fileBytes"], "tarBytes": meta["tarBytes"],
              "compressedBytes": {v: meta["variants"][v]["compressedBytes"]
                                  for v in meta["variants"]}},
    "targets": {"threads1RatioMax": T1_MAX, "threadsDefaultRatioBelow": TN_MAX,
                "rssBaseBytes": RSS_BASE, "rssBytesPerEntryMax": RSS_PER_ENTRY},
    "results": out_rows,
    "missedTargets": misses,
}
with open(results, "w") as f:
    json.dump(doc, f, indent=2)
    f.write("\n")

MB = 1e6
mark = lambda ok: "ok" if ok else "MISS"
print("layerscope layers benchmark — %d layers, %d entries, %.0f MB in files, %.0f MB of tar"
      % (len(meta["layers"]), meta["entries"], meta["fileBytes"] / MB, meta["tarBytes"] / MB))
print("%s; %s cores; best of %s; 1-min load %s at start, %s at end (shared machine: noise)"
      % (doc["machine"]["cpu"], cores, runs, load0, load1))
print()
hdr = ("%-12s %4s %5s  %-9s %5s %5s %5s | %5s %5s %5s %4s %5s %5s | %5s %5s %5s %4s %5s | %5s %5s %4s"
       % ("image", "bg", "blobs", "floor", "s", "cpu", "+sha", "1 thr", "cpu", "x", "",
          "x ver", "x cpu", "%s thr" % cores, "cpu", "x", "", "x ver", "RSS", "B/ent", ""))
print(hdr)
print("-" * len(hdr))
for r in out_rows:
    t1, tn = r["threads1"], r["threadsDefault"]
    print("%-12s %4.1f %4.0fM  %-9s %5.2f %5.2f %5.2f | %5.2f %5.2f %5.2f %4s %5.2f %5.2f | %5.2f %5.2f %5.2f %4s %5.2f | %4.0fM %5.0f %4s"
          % ("%s %s" % ("oci" if r["transport"] == "oci" else "docker", r["variant"]),
             r["backgroundCores"], r["compressedBytes"] / MB, r["floor"]["tool"],
             r["floor"]["seconds"], r["floor"]["cpuSeconds"],
             r["sha256Floor"]["seconds"],
             t1["seconds"], t1["cpuSeconds"], t1["ratio"], mark(r["pass"]["threads1"]),
             t1["ratioToVerifiedFloor"], t1["cpuRatio"],
             tn["seconds"], tn["cpuSeconds"], tn["ratio"], mark(r["pass"]["threadsDefault"]),
             tn["ratioToVerifiedFloor"],
             max(t1["peakRssKiB"], tn["peakRssKiB"]) / 1024, r["rssBytesPerEntry"],
             mark(r["pass"]["rss"])))
print()
print("targets: 1 thread <= %.1fx the floor; default threads (one per core) < %.1fx the floor;"
      % (T1_MAX, TN_MAX))
print("         peak RSS <= 16 MiB + %d bytes per entry." % RSS_PER_ENTRY)
print("columns: seconds are wall time of the best run; floor = decompressing (or cat) the blobs "
      "one after the other;")
print("         +sha = openssl SHA-256 of the blobs and the uncompressed layers (what verifying "
      "digests and diff_ids costs at least);")
print("         cpu = user+sys seconds of the best run; x = ratio to the floor (the target); "
      "x ver = ratio to floor + sha (informational);")
print("         x cpu = layerscope's CPU seconds / the floor's (steadier than wall time on a busy "
      "machine; informational);")
print("         RSS = highest peak RSS of all runs; B/ent = (RSS - 16 MiB) / entries;")
print("         bg = cores other processes used during the row's best runs (of %s): above ~0.3, "
      "the wall times are noisy." % cores)
bad = [r for r in out_rows if not r["pass"]["entries"]]
for r in bad:
    print("WARNING: %s %s: layerscope counted %d entries, the generator wrote %d"
          % (r["transport"], r["variant"], r["entries"], r["expectedEntries"]))
if stale == "1":
    print("WARNING: the build failed; these figures are for the previous binary %s" % ls)
print("missed: %s" % (", ".join(misses) if misses else "none"))
print("wrote %s" % results)
sys.exit(1 if check == "1" and misses else 0)
EOF
