#!/usr/bin/env bash
# sbom vs `npm ls --all --json`: an image whose app/node_modules was filled by a real
# `npm install` from the npm registry; every installed package (name, version) equals npm's
# own view of the tree, and the lock file adds nothing that is already installed.
. "$SRCDIR/tests/lib.sh"
. "$SRC/tests/real/sbom_images.sh"

if ! sbom_image npm; then
	skip "sbom npm: $SBOM_WHY"
	done_testing
	exit 0
fi
check_exit "sbom --format json exits 0" 0 "$LS" sbom --format json -o "$TMP/npm.json" "$SBOM_DIR/npm.tar"
jq -r 'def walk_deps: .dependencies // {} | to_entries[] | "\(.key) \(.value.version)", (.value | walk_deps);
	walk_deps' "$SBOM_DIR/npm-ls.json" | LC_ALL=C sort -u >"$TMP/expected"
jq -r '.packages[] | select(.type == "npm") | "\(.name) \(.version)"' "$TMP/npm.json" | LC_ALL=C sort -u >"$TMP/actual"
n=$(wc -l <"$TMP/expected")
if [ "$n" -ge 10 ] && diff "$TMP/expected" "$TMP/actual" >"$TMP/diff"; then
	ok "$n packages equal npm ls --all"
else
	not_ok "inventory differs from npm ls --all ($n expected)"
	sed 's/^/#   /' "$TMP/diff" | head -10
fi
check_eq "every npm package comes from a node_modules package.json" "0" \
	"$(jq '[.packages[] | select(.type == "npm" and (.locations[0] | test("node_modules/.*package.json$") | not))] | length' "$TMP/npm.json")"
check_eq "scoped purl" "pkg:npm/%40types/node@20.11.0" \
	"$(jq -r '.packages[] | select(.name == "@types/node") | .purl' "$TMP/npm.json")"
check_eq "licence of semver" "ISC" "$(jq -r '.packages[] | select(.name == "semver") | .licenses[0]' "$TMP/npm.json")"
done_testing
