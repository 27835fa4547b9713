#!/usr/bin/env bash
# No false alarms: `scan --scanners secret` on real images that hold no secrets — the
# debootstrap Debian base, the same with a RUN apt-get layer (real package lists, docs, keys of
# the Debian archive), and the npm image (real packages from the registry) — finds nothing and
# exits 0. Every file of every layer is scanned, so this covers thousands of real files.
. "$SRCDIR/tests/lib.sh"
. "$SRC/tests/real/sbom_images.sh"

scan_clean() { # name tar
	if ! "$LS" scan --scanners secret --format json "$2" >"$TMP/$1.json" 2>"$TMP/$1.err"; then
		not_ok "$1: scan --scanners secret exits 0"
		sed 's/^/#   /' "$TMP/$1.err" | head -5
		return
	fi
	local n
	n=$(jq '.secrets | length' "$TMP/$1.json")
	check_eq "$1: no secret found in $(jq -r '.image' "$TMP/$1.json" | xargs basename)" 0 "$n"
	[ "$n" = 0 ] || jq -r '.secrets[] | "#   \(.ruleId) /\(.path) (layer \(.layer))"' "$TMP/$1.json" | head -10
}

if sbom_image debian; then
	scan_clean debian "$SBOM_DIR/debian.tar"
	scan_clean debian-apt "$SBOM_DIR/debian-apt.tar"
else
	skip "secrets on the Debian base: $SBOM_WHY"
fi
if sbom_image npm; then
	scan_clean npm "$SBOM_DIR/npm.tar"
else
	skip "secrets on the npm image: $SBOM_WHY"
fi
done_testing
