#!/usr/bin/env bash
# sbom vs `go version -m`: for every Go binary in the image (Debian's skopeo and buildah, and
# module-mode programs built here for amd64 and 386, one with vendored dependencies), the Go
# modules and versions equal what the Go toolchain reads from the same files (mod and dep
# lines; a "=>" replacement with a version replaces the version), and the standard library
# ("stdlib") is listed at the toolchain's version.
. "$SRCDIR/tests/lib.sh"
. "$SRC/tests/real/sbom_images.sh"

if ! sbom_image go; then
	skip "sbom go: $SBOM_WHY"
	done_testing
	exit 0
fi
if ! command -v go >/dev/null; then
	skip "sbom go: the go tool (golang-go) is not installed"
	done_testing
	exit 0
fi
check_exit "sbom --format json exits 0" 0 "$LS" sbom --format json -o "$TMP/go.json" "$SBOM_DIR/go.tar"
root=$SBOM_DIR/root
for bin in usr/bin/skopeo usr/bin/buildah usr/local/bin/hello usr/local/bin/hello-386 usr/local/bin/vendored; do
	go version -m "$root/$bin" | awk -F'\t' '
		$2 == "mod" || $2 == "dep" { if (n) print line; line = $3 " " $4; n = 1; next }
		$2 == "=>" { if ($4 != "" && $4 != "(devel)") { split(line, a, " "); line = a[1] " " $4 } next }
		END { if (n) print line }' | LC_ALL=C sort >"$TMP/expected"
	jq -r --arg loc "$bin" '.packages[] | select(.type == "go" and .locations[0] == $loc and .name != "stdlib") | "\(.name) \(.version)"' \
		"$TMP/go.json" | LC_ALL=C sort >"$TMP/actual"
	if diff "$TMP/expected" "$TMP/actual" >"$TMP/diff"; then
		ok "$bin: $(wc -l <"$TMP/expected") modules equal go version -m"
	else
		not_ok "$bin: modules differ from go version -m"
		sed 's/^/#   /' "$TMP/diff" | head -10
	fi
	want_go=$(go version -m "$root/$bin" | head -1 | awk '{print $2}')
	got_go=$(jq -r --arg loc "$bin" '[.packages[] | select(.locations[0] == $loc)][0].goVersion // empty' "$TMP/go.json")
	[ -n "$got_go" ] && check_eq "$bin: Go version" "$want_go" "$got_go"
	check_eq "$bin: stdlib at the Go version" "$want_go" \
		"$(jq -r --arg loc "$bin" '.packages[] | select(.name == "stdlib" and .locations[0] == $loc) | .version' "$TMP/go.json")"
done
check_eq "purl of the replaced dependency" "pkg:golang/example.com/greet@v1.2.3" \
	"$(jq -r '[.packages[] | select(.name == "example.com/greet")][0].purl' "$TMP/go.json")"
check_eq "no warnings" "0" "$(jq '.warnings | length' "$TMP/go.json")"
done_testing
