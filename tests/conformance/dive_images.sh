#!/usr/bin/env bash
# dive's own test images ($ORACLE/dive, wagoodman/dive): the figures dive's snapshots show for
# them (layers, entries, bytes), every OCI compression variant, the kaniko image, and the
# single-layer tars that are not images (exit 2, one clear line).
. "$(dirname "$0")/../lib.sh"

DIVE=$ORACLE/dive
if [ ! -d "$DIVE" ]; then
	skip "DIVE CONFORMANCE SKIPPED: $DIVE is absent (peer test data is not in a user's clone)"
	done_testing
	exit
fi
if ! command -v jq >/dev/null && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null 2>&1
fi
if ! command -v jq >/dev/null; then
	skip "DIVE CONFORMANCE SKIPPED: jq is not installed (scripts/install-deps.sh test)"
	done_testing
	exit
fi
passed=0
total=0
count() { total=$((total + 1)); [ "$1" = ok ] && passed=$((passed + 1)); }

# layers_json FILE: runs layerscope layers --json; the JSON is left in $TMP/out.
layers_json() { "$LS" layers --json "$1" >"$TMP/out" 2>"$TMP/err"; }

# expect_image DESC FILE EXPECTED JQ-EXPR: the JSON's EXPR must print EXPECTED.
expect_image() {
	local d=$1 f=$2 want=$3 expr=$4 got
	if ! layers_json "$f"; then
		not_ok "$d (exit $?)"
		sed 's/^/#   /' "$TMP/err" | head -5
		count fail
		return
	fi
	got=$(jq -r "$expr" "$TMP/out" 2>&1)
	check_eq "$d" "$want" "$got"
	[ "$want" = "$got" ] && count ok || count fail
}

f=$DIVE/test-docker-image.tar
expect_image "test-docker-image.tar: 14 layers, 451 entries, 1,220,598 bytes" "$f" \
	"14 451 1220598" '.image | "\(.layers) \(.files) \(.sizeBytes)"'
expect_image "test-docker-image.tar: per-layer sums add up to the image's" "$f" \
	"451 1220598" '[.layers[].files] as $f | [.layers[].size] as $s | "\($f | add) \($s | add)"'
expect_image "test-docker-image.tar: every layer has a sha256 digest and diffId" "$f" "14" \
	'[.layers[] | select((.digest | test("^sha256:[0-9a-f]{64}$")) and (.diffId | test("^sha256:[0-9a-f]{64}$")))] | length'
expect_image "test-docker-image.tar: layer 13's command (from the history)" "$f" \
	"chmod +x /root/saved.txt" '.layers[13].command'

# tar_figures ARCHIVE: "entries regular-file-bytes" per layer of a docker-archive, by GNU tar.
tar_figures() {
	local x=$TMP/x l
	rm -rf "$x" && mkdir -p "$x" && tar -C "$x" -xf "$1" || return 1
	jq -r '.[0].Layers[]' "$x/manifest.json" | while IFS= read -r l; do
		case $(head -c2 "$x/$l" | od -An -tx1 | tr -d ' \n') in
		1f8b) gzip -dc <"$x/$l" ;;
		*) cat "$x/$l" ;;
		esac | tar -tv --numeric-owner --quoting-style=escape -f - 2>/dev/null |
			awk '{ n++; if (substr($1, 1, 1) == "-") s += $3 } END { printf "%d %d\n", n, s }'
	done
}

# The same per-layer figures as GNU tar (kaniko stores gzip layers in its docker-archive).
for img in test-docker-image.tar test-kaniko-image.tar; do
	f=$DIVE/$img
	if want=$(tar_figures "$f") && layers_json "$f"; then
		check_eq "$img: per-layer entries and regular-file bytes = GNU tar's" "$want" \
			"$(jq -r '.layers[] | "\(.files) \(.size)"' "$TMP/out")"
		[ "$want" = "$(jq -r '.layers[] | "\(.files) \(.size)"' "$TMP/out")" ] && count ok || count fail
	else
		not_ok "$img: per-layer entries and regular-file bytes = GNU tar's"
		sed 's/^/#   /' "$TMP/err" | head -5
		count fail
	fi
done

for variant in gzip zstd uncompressed estargz; do
	f=$DIVE/test-oci-$variant-image.tar
	[ -f "$f" ] || { not_ok "test-oci-$variant-image.tar is missing"; count fail; continue; }
	case $variant in
	uncompressed) comp=none ;;
	estargz) comp=gzip ;; # estargz is a gzip stream with a TOC at the end
	*) comp=$variant ;;
	esac
	expect_image "test-oci-$variant-image.tar: 1 layer, one file of 11,189 bytes, $comp" "$f" \
		"1 1 11189 $comp" '"\(.image.layers) \(.image.files) \(.image.sizeBytes) \(.layers[0].compression)"'
done

f=$DIVE/test-kaniko-image.tar
if layers_json "$f" && jq -e '.image.layers > 0 and (.layers | length) == .image.layers' "$TMP/out" >/dev/null; then
	ok "test-kaniko-image.tar reads ($(jq -r '.image | "\(.layers) layers, \(.files) entries, \(.sizeBytes) bytes"' "$TMP/out"))"
	count ok
else
	not_ok "test-kaniko-image.tar reads"
	sed 's/^/#   /' "$TMP/err" | head -5
	count fail
fi

# A layer tar alone is not an image: exit 2, one line on stderr naming the file.
for variant in gzip zstd uncompressed estargz; do
	f=$DIVE/test-$variant-image.tar
	"$LS" layers "$f" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q "^layerscope: .*test-$variant-image.tar" "$TMP/err"; then
		ok "test-$variant-image.tar (a layer, not an image): exit 2, $(cat "$TMP/err")"
		count ok
	else
		not_ok "test-$variant-image.tar (a layer, not an image): exit 2 and one line naming it (exit $rc)"
		sed 's/^/#   /' "$TMP/err" | head -5
		count fail
	fi
done

diag "$passed/$total cases pass"
done_testing
