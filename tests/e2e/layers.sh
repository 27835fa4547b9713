#!/usr/bin/env bash
# `layerscope layers` on the synthetic fixtures: every transport and compression of the same
# image gives the same model; the JSON shape is the contract; platform selection; CLI basics.
. "$SRCDIR/tests/lib.sh"
ensure_fixtures
command -v jq >/dev/null || apt-get install -y -qq jq >/dev/null 2>&1

check "--help exits 0" "$LS" --help
check "--version exits 0" "$LS" --version
check_exit "no arguments is a usage error" 2 "$LS"
check_exit "unknown verb is a usage error" 2 "$LS" frobnicate
check_exit "layers without IMAGE is a usage error" 2 "$LS" layers
check_exit "layers with an unknown option" 2 "$LS" layers --nope "$FIXTURES/basic-oci"
check "layers --help" "$LS" layers --help

# Same image, every shape: per-layer diffId, size and files must agree exactly.
summary() { "$LS" layers --json "$1" | jq -c '[.image.layers, .image.files, .image.sizeBytes, [.layers[] | [.diffId, .size, .files]]]'; }
want=$(summary "$FIXTURES/basic-plain.tar")
check_eq "basic: 3 layers, 30 entries, 11528 bytes" '[3,30,11528' "$(echo "$want" | cut -c1-11)"
for ref in docker-archive:$FIXTURES/basic-legacy.tar $FIXTURES/basic-legacy.tar \
           docker-archive:$FIXTURES/basic-docker25.tar oci:$FIXTURES/basic-oci \
           $FIXTURES/basic-oci oci-archive:$FIXTURES/basic-zstd.tar oci:$FIXTURES/basic-zstd \
           $FIXTURES/mixed-oci; do
  check_eq "same model from $(basename "$ref")" "$want" "$(summary "$ref")"
done

j=$("$LS" layers --json "$FIXTURES/basic-oci")
check_eq "JSON: image keys" '["files","layers","reference","sizeBytes"]' \
  "$(echo "$j" | jq -c '.image | [to_entries[] | select(.key == ("reference","layers","files","sizeBytes")) | .key] | sort')"
check_eq "JSON: layer keys and types" 'true' "$(echo "$j" | jq '[.layers[] | (.index|type=="number") and (.digest|type=="string") and (.diffId|type=="string") and (.mediaType|type=="string") and (.compressedSize|type=="number") and (.size|type=="number") and (.files|type=="number") and (.command|type=="string")] | all')"
check_eq "JSON: per-layer files" '[13,9,8]' "$(echo "$j" | jq -c '[.layers[].files]')"
check_eq "JSON: command without the shell prefix" 'useradd user && rm /etc/hostname /usr/bin/app' "$(echo "$j" | jq -r '.layers[1].command')"
check_eq "JSON: digests are the blob files" "$(cd "$FIXTURES/basic-oci/blobs/sha256" && for d in $(echo "$j" | jq -r '.layers[].digest'); do sha256sum "${d#sha256:}" | cut -c1-64; done | tr '\n' ' ')" \
  "$(echo "$j" | jq -r '.layers[].digest' | sed 's/sha256://' | tr '\n' ' ')"
check_eq "JSON: compressedSize is the blob size" "$(echo "$j" | jq -r '.layers[0].digest' | sed 's/sha256://' | xargs -I{} stat -c %s "$FIXTURES/basic-oci/blobs/sha256/{}")" "$(echo "$j" | jq '.layers[0].compressedSize')"
check_eq "media types sniffed for a legacy archive" '["application/vnd.oci.image.layer.v1.tar"]' \
  "$("$LS" layers --json "$FIXTURES/basic-legacy.tar" | jq -c '[.layers[].mediaType] | unique')"
check_eq "mixed: compression sniffed per layer" '["gzip","zstd","gzip"]' \
  "$("$LS" layers --json "$FIXTURES/mixed-oci" | jq -c '[.layers[].compression]')"

check_eq "zstd:chunked (frames + skippable frame)" '[13]' "$("$LS" layers --json "$FIXTURES/zstd-chunked-oci" | jq -c '[.layers[].files]')"

# Thread count never changes the result.
check_eq "--threads 1 equals --threads 3" "$("$LS" layers --json --threads 3 "$FIXTURES/basic-zstd.tar")" "$("$LS" layers --json --threads 1 "$FIXTURES/basic-zstd.tar")"

# Multi-platform index (nested): host platform by default, --platform picks, missing lists.
check_eq "platform linux/amd64: 1 layer" 1 "$("$LS" layers --json --platform linux/amd64 "$FIXTURES/multiarch-oci" | jq '.image.layers')"
check_eq "platform linux/arm64: 2 layers" 2 "$("$LS" layers --json --platform linux/arm64 "oci:$FIXTURES/multiarch-oci:v1" | jq '.image.layers')"
check_eq "platform linux/arm64/v8" 2 "$("$LS" layers --json --platform linux/arm64/v8 "$FIXTURES/multiarch-oci" | jq '.image.layers')"
check_exit "a missing platform is an error" 2 "$LS" layers --platform linux/s390x "$FIXTURES/multiarch-oci"
cp "$TMP/err" "$TMP/platform.err"
check "…that lists the platforms present" grep -q 'linux/amd64, linux/arm64/v8' "$TMP/platform.err"
check_exit "an unknown ref name is an error" 2 "$LS" layers "oci:$FIXTURES/multiarch-oci:nope"

# Tar edge cases: PAX and GNU long names and link targets, a GNU sparse file, base-256 size.
j=$("$LS" layers --json "$FIXTURES/longnames.tar")
check_eq "long names: entries per layer" '[3,2,1,1]' "$(echo "$j" | jq -c '[.layers[].files]')"
check_eq "sparse file counts its logical size" 8388627 "$(echo "$j" | jq '.layers[2].size')"
check_eq "base-256 size field" 20 "$(echo "$j" | jq '.layers[3].size')"

# Archive-level symlinks (docker save shares layers that way); absolute entry names; links.
check_eq "legacy layer.tar symlink" '[13,13]' "$("$LS" layers --json "$FIXTURES/legacy-symlinked-layer.tar" | jq -c '[.layers[].files]')"
check_eq "absolute entry names read relative to the root" 2 "$("$LS" layers --json "$FIXTURES/abs-path.tar" | jq '.image.files')"
check "valid hard links (same layer, lower layer)" "$LS" layers "$FIXTURES/hardlinks.tar"
check_eq "docker-archive tag selection" 3 "$("$LS" layers --json "docker-archive:$FIXTURES/basic-legacy.tar:fixture:latest" | jq '.image.layers')"
check_eq "docker-archive @index" 3 "$("$LS" layers --json "docker-archive:$FIXTURES/basic-legacy.tar:@0" | jq '.image.layers')"
check_exit "docker-archive unknown tag" 2 "$LS" layers "docker-archive:$FIXTURES/basic-legacy.tar:nope:1"

# Table output.
"$LS" layers "$FIXTURES/basic-oci" >"$TMP/table"
check "table has a header and a total" grep -q '^3 layers, 30 entries' "$TMP/table"
check_eq "table has one row per layer" 3 "$(grep -c '^[0-9]  ' "$TMP/table")"

# Compressed archives (docker save | gzip, | zstd; oci-archive too) read as the tar inside,
# streaming: the same layers, digests and files as the plain archive.
same_layers() { "$LS" layers --json "$1" | jq -c 'del(.image.reference)'; }
for f in basic-legacy.tar basic-docker25.tar basic-plain.tar basic-zstd.tar; do
  want=$(same_layers "$FIXTURES/$f")
  gzip -c "$FIXTURES/$f" >"$TMP/$f.gz"
  zstd -q -c "$FIXTURES/$f" >"$TMP/$f.zst"
  check_eq "$f | gzip reads the same" "$want" "$(same_layers "$TMP/$f.gz")"
  check_eq "$f | zstd reads the same" "$want" "$(same_layers "$TMP/$f.zst")"
done
check_eq "docker-archive:PATH.tar.gz" "$(same_layers "$FIXTURES/basic-legacy.tar")" \
  "$(same_layers "docker-archive:$TMP/basic-legacy.tar.gz")"
check_eq "oci-archive:PATH.tar.zst" "$(same_layers "$FIXTURES/basic-zstd.tar")" \
  "$(same_layers "oci-archive:$TMP/basic-zstd.tar.zst")"
check_eq "the fixture's gzipped archive (gzip -9 of python's)" "$(same_layers "$FIXTURES/basic-plain.tar")" \
  "$(same_layers "$FIXTURES/gzipped-archive.tar.gz")"
check_eq "analyze agrees on a compressed archive" \
  "$("$LS" analyze --json - "$FIXTURES/basic-legacy.tar" | jq -c .image)" \
  "$("$LS" analyze --json - "$TMP/basic-legacy.tar.gz" | jq -c .image)"
# Broken compressed archives: one line, exit 2.
bad_packed() { # desc file pattern
  "$LS" layers "$2" >"$TMP/out" 2>"$TMP/err"; local rc=$?
  if [ $rc = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q -- "$3" "$TMP/err"; then ok "$1"
  else not_ok "$1 (exit $rc)"; sed 's/^/#   /' "$TMP/err" | head -3; fi
}
head -c $(( $(stat -c %s "$TMP/basic-legacy.tar.gz") * 2 / 3 )) "$TMP/basic-legacy.tar.gz" >"$TMP/cut.tar.gz"
bad_packed "a truncated gzipped archive" "$TMP/cut.tar.gz" "truncated gzip stream"
head -c $(( $(stat -c %s "$TMP/basic-docker25.tar.zst") * 2 / 3 )) "$TMP/basic-docker25.tar.zst" >"$TMP/cut.tar.zst"
bad_packed "a truncated zstd archive" "$TMP/cut.tar.zst" "truncated zstd stream"
gzip -c "$FIXTURES/bad-layer-digest.tar" >"$TMP/tampered.tar.gz"
bad_packed "a tampered layer inside a gzipped archive" "$TMP/tampered.tar.gz" "layer 1 .*blob digest mismatch"
gzip -c "$FIXTURES/bad-config-digest.tar" >"$TMP/tampered-config.tar.gz"
bad_packed "a tampered config (kept in memory) inside a gzipped archive" "$TMP/tampered-config.tar.gz" "config .*digest mismatch"
head -c -8 "$TMP/basic-legacy.tar.gz" >"$TMP/no-trailer.tar.gz"
bad_packed "a gzipped archive without its CRC trailer" "$TMP/no-trailer.tar.gz" "truncated gzip stream"
{ cat "$TMP/basic-legacy.tar.gz"; head -c 100000 /dev/urandom; } >"$TMP/garbage.tar.gz"
bad_packed "garbage after a gzipped archive" "$TMP/garbage.tar.gz" "garbage after the end of the gzip stream"
head -c -3 "$TMP/basic-docker25.tar.zst" >"$TMP/cut-end.tar.zst"
bad_packed "a zstd archive missing its last bytes" "$TMP/cut-end.tar.zst" "truncated zstd stream"
zstd -q --long=28 -c <"$FIXTURES/basic-docker25.tar" >"$TMP/long.tar.zst"
bad_packed "a zstd archive with a window above 128 MiB" "$TMP/long.tar.zst" "zstd window is above the 128 MiB"
# 300 MiB of zeros in a plain layer compresses 30,000:1: no bomb (the layer's own limits
# apply; the archive's decompression is capped by size only).
python3 - "$TMP" "$SRC/tests/fixtures" <<'PY' || not_ok "make the zeros image"
import sys
sys.path.insert(0, sys.argv[2])
import mkfixtures as m
m.OUT = sys.argv[1]
m.oci("zeros.tar", [(m.make_tar([m.F("zeros.bin", b"\0" * (300 << 20))]), "none")], ["ADD zeros /"])
PY
zstd -q -1 -c "$TMP/zeros.tar" >"$TMP/zeros.tar.zst" && rm -f "$TMP/zeros.tar"
check_eq "an archive of zeros (30,000:1) reads" "1 314572800" \
  "$("$LS" layers --json "$TMP/zeros.tar.zst" | jq -r '"\(.image.layers) \(.image.sizeBytes)"')"
gzip -c "$FIXTURES/bad-missing-blob.tar" >"$TMP/missing.tar.gz"
"$LS" layers "$FIXTURES/bad-missing-blob.tar" 2>&1 | sed "s|$FIXTURES/bad-missing-blob.tar|X|g" >"$TMP/want-err"
"$LS" layers "$TMP/missing.tar.gz" 2>&1 | sed "s|$TMP/missing.tar.gz|X|g" >"$TMP/got-err"
check_eq "a missing blob inside a gzipped archive: the same error as uncompressed" "$(cat "$TMP/want-err")" "$(cat "$TMP/got-err")"
done_testing
