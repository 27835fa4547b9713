#!/usr/bin/env bash
# `layerscope ci` / `analyze` against `layerscope layers` on the bench image, in the same run:
# the analysis may add at most 10 % (issue 3). Usage: bench/analysis.sh [VARIANT] (gzip)
set -euo pipefail
cd "$(dirname "$0")/.."
LS=${LAYERSCOPE:-build/layerscope}
variant=${1:-gzip}
python3 bench/make-image.py >/dev/null
img=bench/cache/oci-$variant; [ -d "$img" ] || img=
[ -n "$img" ] || { echo "bench/analysis.sh: no $variant image under bench/cache" >&2; exit 2; }
best() { # command… → best wall seconds of 3
  local b=999 t0 t1 s
  for _ in 1 2 3; do
    t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N)
    s=$(echo "($t1 - $t0) / 1000000000" | bc -l)
    b=$(echo "if ($s < $b) $s else $b" | bc -l)
  done
  printf '%.3f' "$b"
}
cd /tmp
L=$(best "$OLDPWD/$LS" layers "$OLDPWD/$img")
C=$(best "$OLDPWD/$LS" ci --ci-config /dev/null "$OLDPWD/$img")
O=$(best "$OLDPWD/$LS" ci --ci-config /dev/null --highestReclaimableBytes 1GB --forbiddenPaths '**/*.pem,**/.env,**/id_rsa' "$OLDPWD/$img")
A=$(best "$OLDPWD/$LS" analyze "$OLDPWD/$img")
printf '%-44s %8s %8s\n' "command ($variant image)" "seconds" "× layers"
for row in "layers:$L" "ci (dive's rules):$C" "ci (+ reclaimable, forbiddenPaths):$O" "analyze:$A"; do
  printf '%-44s %8s %8.3f\n' "${row%%:*}" "${row##*:}" "$(echo "${row##*:} / $L" | bc -l)"
done
echo "target: ci and analyze ≤ 1.10 × layers"
