#!/usr/bin/env bash
# The benchmark's image generator (bench/make-image.py) at 1/200 scale: every variant (gzip,
# zstd, plain) and transport reads — so its digests, diff_ids and manifests are valid — the
# counts match what the generator says it wrote, whiteouts and an opaque directory are there,
# and two builds are byte-identical. Keeps `make bench` from rotting between benchmark runs.
. "$SRCDIR/tests/lib.sh"

GEN=$SRC/bench/make-image.py
for tool in pigz zstd; do
  command -v $tool >/dev/null || apt-get install -y -qq $tool >/dev/null 2>&1
done
if ! command -v pigz >/dev/null || ! command -v zstd >/dev/null; then
  skip "bench image: pigz or zstd missing and not installable"
  done_testing
  exit 0
fi

check "make-image.py --scale 0.005 builds" python3 "$GEN" --cache "$TMP/a" --scale 0.005
meta=$TMP/a/image.json
field() { python3 -c 'import json, sys; print(eval("m" + sys.argv[2], {"m": json.load(open(sys.argv[1]))}))' "$1" "$2"; }
entries=$(field "$meta" '["entries"]')
bytes=$(field "$meta" '["fileBytes"]')
diffids=$(field "$meta" '["layers"]' | python3 -c 'import ast, sys; print(",".join(l["diff_id"] for l in ast.literal_eval(sys.stdin.read())))')
diag "generator: $entries entries, $bytes bytes"

# layers/files/sizeBytes and the diff_ids, as layerscope reports them.
summary() {
  "$LS" layers --json "$1" | python3 -c 'import json, sys
j = json.load(sys.stdin)
print(j["image"]["layers"], j["image"]["files"], j["image"]["sizeBytes"],
      ",".join(l["diffId"] for l in j["layers"]))'
}
for v in gzip zstd plain; do
  for ref in "oci:$TMP/a/oci-$v" "docker-archive:$TMP/a/docker-$v.tar"; do
    check_eq "$v ${ref%%:*}: layerscope reads it, counts and diff_ids match" \
      "7 $entries $bytes $diffids" "$(summary "$ref" 2>&1)"
  done
done

# The things the benchmark claims to contain.
tars=$TMP/a/oci-plain/blobs/sha256
names=$(for b in "$tars"/*; do tar -tf "$b" 2>/dev/null; done)
check_eq "has .wh. whiteouts" yes "$(echo "$names" | grep -q '/\.wh\.[^.]' && echo yes)"
check_eq "has an opaque directory" yes "$(echo "$names" | grep -q '/\.wh\.\.wh\.\.opq$' && echo yes)"
check_eq "at least 100 entries per MB" yes \
  "$(python3 -c "print('yes' if $entries * 1e6 / $bytes >= 100 else 'no')")"

# Deterministic: a second build is byte-identical (the docker-archive holds every blob).
check "a second build" python3 "$GEN" --cache "$TMP/b" --scale 0.005
for v in gzip zstd plain; do
  check "$v: both builds are byte-identical" cmp "$TMP/a/docker-$v.tar" "$TMP/b/docker-$v.tar"
done
check "cached: a third call does nothing" python3 "$GEN" --cache "$TMP/a" --scale 0.005
check_eq "cached: nothing printed" "" "$(python3 "$GEN" --cache "$TMP/a" --scale 0.005 2>&1)"
done_testing
