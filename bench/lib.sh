# shellcheck shell=bash
# Helpers for the benchmark scripts (source it; bench/scan.sh does). The same measuring rules
# as bench/run.sh: a release build of our own, a warm page cache, a quiet moment before each
# repetition, wall time from `date`, peak RSS and CPU from /usr/bin/time.
#
#   bench_tools CMD…            install what is missing (as root), else fail naming it
#   bench_binary ROOT           sets LS: $LAYERSCOPE, or ROOT/build-bench (release) built now;
#                               BENCH_STALE=1 when that build failed and an older binary is used
#   bench_timed OUT CMD…        run CMD once, append "wall-µs rss-KiB user sys busy-ticks" to OUT
#   bench_settle                wait (≤ BENCH_SETTLE s, 10) for other processes to calm down
#   bench_best FILE             "seconds cpu-seconds peak-rss-KiB" of the fastest line of FILE
#   bench_floor TOOL BLOB…      decompress (igzip, zstd) or cat every blob to /dev/null
#   bench_blobs_of CACHE VARIANT   the layer blobs of the bench image (bench/make-image.py)

bench_die() { echo "bench: $*" >&2; exit 2; }

bench_tools() {
  local need=() t
  for t; do
    case $t in
      time) [ -x /usr/bin/time ] || need+=(time) ;;
      igzip) command -v igzip >/dev/null || need+=(isal) ;;
      *) command -v "$t" >/dev/null || need+=("$t") ;;
    esac
  done
  [ ${#need[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || bench_die "missing tools; install: apt-get install ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" \
    >/dev/null || bench_die "apt-get install ${need[*]} failed"
}

# shellcheck disable=SC2034 # BENCH_STALE is read by the scripts that source this
bench_binary() {
  local root=$1 build=$1/build-bench
  BENCH_STALE=0
  if [ -n "${LAYERSCOPE:-}" ]; then
    LS=$LAYERSCOPE
  else
    [ -f "$build/build.ninja" ] ||
      meson setup "$build" "$root" -Dbuildtype=release -Dwerror=true >/dev/null ||
      bench_die "meson setup $build failed"
    LS=$build/layerscope
    ninja -C "$build" layerscope >"$build/bench-ninja.log" 2>&1 ||
      { [ -x "$LS" ] || bench_die "ninja -C $build failed"
        # The tree may be mid-edit: measure the last good binary, and say so in the results.
        echo "bench: WARNING: the build failed (see $build/bench-ninja.log);" \
          "measuring the previous binary $LS" >&2
        BENCH_STALE=1; }
  fi
  [ -x "$LS" ] || bench_die "no layerscope binary at $LS"
}

# CPU time the whole machine spent busy, in clock ticks (user, nice, system, irq, softirq, steal).
bench_busy_ticks() {
  local _c u n s _idle _iowait q sq st _r
  read -r _c u n s _idle _iowait q sq st _r </proc/stat
  echo $((u + n + s + q + sq + st))
}

bench_settle() {
  local deadline=$(( $(date +%s) + ${BENCH_SETTLE:-10} )) b0 b1 hz
  hz=$(getconf CLK_TCK)
  while :; do
    b0=$(bench_busy_ticks); sleep 0.5; b1=$(bench_busy_ticks)
    [ $(( (b1 - b0) * 6 )) -lt "$hz" ] && return 0
    [ "$(date +%s)" -ge "$deadline" ] && return 0
  done
}

bench_timed() {
  local out=$1 t0 t1 b0 b1 rss usr sys tf
  shift
  tf=$(mktemp)
  b0=$(bench_busy_ticks)
  t0=$(date +%s%N)
  /usr/bin/time -f '%M %U %S' -o "$tf" "$@" >/dev/null 2>"$tf.err" ||
    { sed 's/^/  /' "$tf.err" >&2; rm -f "$tf" "$tf.err"; bench_die "failed: $*"; }
  t1=$(date +%s%N)
  b1=$(bench_busy_ticks)
  read -r rss usr sys <"$tf"
  rm -f "$tf" "$tf.err"
  echo "$(( (t1 - t0) / 1000 )) $rss $usr $sys $(( b1 - b0 ))" >>"$out"
}

bench_best() {
  sort -n "$1" | awk 'NR == 1 { printf "%.3f %.2f %d\n", $1 / 1e6, $3 + $4, $2 }'
}

bench_floor() {
  local tool=$1 b
  shift
  for b; do
    case $tool in
      igzip) igzip -dc <"$b" ;;
      zstd) zstd -dcq <"$b" ;;
      cat) cat "$b" ;;
    esac >/dev/null || return 1
  done
}

bench_blobs_of() {
  python3 -c 'import json, sys; m = json.load(open(sys.argv[1] + "/image.json"))
for b in m["variants"][sys.argv[2]]["blobs"]: print(sys.argv[1] + "/" + b)' "$1" "$2"
}
