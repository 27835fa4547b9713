#!/usr/bin/env bash
# scan vs the Go vulndb, evaluated independently: import ../shared/vulndata/golang-vulndb
# (or $SHARED/vulndata/…), scan the sbom tier's Go image (Debian's skopeo and buildah, which
# carry only their Go version, and module-mode programs built here, one with old vendored
# dependencies) and check the findings with osv_go_oracle.py against `go version -m` of the
# same binaries: each finding's module and version are in a binary and its record's range
# holds the version; every (module, version) the vulndb says is affected is a finding.
. "$SRCDIR/tests/lib.sh"
. "$SRC/tests/real/sbom_images.sh"

VULNDB=${SHARED:-$SRC/../shared}/vulndata/golang-vulndb/data/osv
why=
if [ ! -d "$VULNDB" ]; then
	why="the Go vulndb is absent ($VULNDB; set SHARED to the shared folder)"
elif ! sbom_image go; then # installs golang-go when it can
	why=$SBOM_WHY
elif ! command -v go >/dev/null; then
	why="the go tool (golang-go) is not installed"
fi
if [ -n "$why" ]; then
	skip "scan go: $why"
	done_testing
	exit 0
fi
check_exit "db import of the Go vulndb" 0 "$LS" db import --db "$TMP/go.db" "$VULNDB"
"$LS" scan --db "$TMP/go.db" --format json "$SBOM_DIR/go.tar" >"$TMP/scan.json" 2>"$TMP/scan.err"
check_eq "scan --format json exits 0" 0 $?
go version -m "$SBOM_DIR/root" >"$TMP/go-version-m"
python3 "$SRC/tests/real/osv_go_oracle.py" "$VULNDB" "$TMP/go-version-m" "$TMP/scan.json" >"$TMP/oracle" ||
	not_ok "osv_go_oracle.py failed"
while IFS=$'\t' read -r verdict what; do
	case $verdict in
	ok) ok "$what" ;;
	not_ok) not_ok "$what" ;;
	*) echo "$verdict" ;;
	esac
done <"$TMP/oracle"
# A known case by hand: golang.org/x/text v0.3.5 (vendored) has CVE-2021-38561, fixed in 0.3.7.
check_eq "x/text v0.3.5: CVE-2021-38561, fixed 0.3.7" "GO-2021-0113 0.3.7" \
	"$(jq -r '.vulnerabilities[] | select(.package == "golang.org/x/text" and .name == "CVE-2021-38561") | "\(.id) \(.fixedVersion)"' "$TMP/scan.json")"
check_eq "no warnings" "" "$(cat "$TMP/scan.err")"
done_testing
