#!/usr/bin/env bash
# Hostile and broken input: each case exits 2 with one line on stderr saying what and where.
. "$SRCDIR/tests/lib.sh"
ensure_fixtures

bad() { # fixture, expected text in the message, [extra args]
  local f=$1 want=$2; shift 2
  "$LS" layers "$@" "$FIXTURES/$f" >"$TMP/out" 2>"$TMP/err"
  local rc=$? lines
  lines=$(wc -l <"$TMP/err")
  if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -q -- "$want" "$TMP/err" && [ ! -s "$TMP/out" ]; then
    ok "$f: exit 2, one line: $want"
  else
    not_ok "$f: exit $rc, $lines stderr lines, want exit 2 and '$want'"
    sed 's/^/#   /' "$TMP/err" | head -5
  fi
}

bad bad-truncated-tar.tar "Truncated"
bad bad-truncated-gzip.tar "truncated gzip stream"
bad bad-truncated-zstd.tar "truncated zstd stream"
bad bad-gzip-crc.tar "CRC mismatch"
bad bad-layer-digest.tar "layer 1 .*blob digest mismatch"
bad bad-config-digest.tar "config .*digest mismatch"
bad bad-manifest-digest.tar "manifest .*digest mismatch"
bad bad-diffid.tar "layer 1 .*diff_id mismatch"
bad bad-missing-blob.tar "layer 2 .*no member"
bad bad-dotdot.tar "'../../etc/evil' climbs out of the root"
bad bad-symlink-loop.tar "symlink loop"
bad bad-hardlink.tar "hard link 'b' points at 'missing/target'"
bad bad-bomb.tar "decompression bomb"
bad basic-oci "decompression bomb" --max-layer-bytes 1000
bad bad-json.tar "index.json: malformed JSON"
bad bad-empty.tar "empty file"
bad bad-not-an-image "not an image"
bad bad-truncated-archive.tar "truncated archive"
bad does-not-exist.tar "No such file"
bad basic-oci "entries" --max-entries 5
# Out of address space (ulimit -v) for zstd's window: an error, not abort(). Sanitizer builds
# reserve terabytes of shadow memory and cannot run under a small ulimit -v at all.
if ldd "$LS" 2>/dev/null | grep -q -e libasan -e libubsan; then
  skip "zstd under ulimit -v: a sanitizer build cannot run with a small address space"
else
  printf '#!/bin/sh\nulimit -v 100000\nexec "%s" "$@"\n' "$LS" >"$TMP/ls-small-vm"
  chmod +x "$TMP/ls-small-vm"
  ls_saved=$LS LS=$TMP/ls-small-vm
  bad basic-zstd.tar "cannot reserve .* for zstd's window" --threads 1
  check_exit "under the same limit a gzip image reads (the limit is the window's, not the program's)" 0 \
    "$LS" layers --threads 1 "$FIXTURES/basic-legacy.tar"
  LS=$ls_saved
fi
check_eq "the bomb stops early (no 1 GiB read)" "" "$(grep -o 'from [0-9]* stored' "$TMP/err" | head -0)"
# Nothing of the hostile names ever reaches the host.
check "no file created by ../../etc/evil" test ! -e /etc/evil
done_testing
