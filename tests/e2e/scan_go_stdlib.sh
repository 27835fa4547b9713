#!/usr/bin/env bash
# A Go binary's standard library against the Go vulndb's "stdlib" module: the toolchain
# version as the vulndb writes it (go1.20 → 1.20.0, go1.21rc2 → 1.21.0-rc.2, an
# experiment suffix dropped, a devel toolchain never matched), with hand-written records
# shaped like the real ones (a range per release branch, pre-release introduced events).
. "$SRCDIR/tests/lib.sh"
ensure_fixtures
mkdir -p "$TMP/osv"
record() { # ID RANGES-JSON
  printf '{"id": "%s", "modified": "2099-01-01T00:00:00Z", "affected": [{"package": {"ecosystem": "Go", "name": "stdlib"}, "ranges": %s}]}\n' \
    "$1" "$2" >"$TMP/osv/$1.json"
}
record GO-2099-0001 '[{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.20.1"}, {"introduced": "1.21.0-0"}, {"fixed": "1.21.0-rc.3"}]}]'
record GO-2099-0002 '[{"type": "SEMVER", "events": [{"introduced": "1.21.0-0"}, {"fixed": "1.21.0-rc.2"}]}]'
record GO-2099-0003 '[{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.21.4"}]}]'
"$LS" db import --db "$TMP/go.db" "$TMP/osv" >/dev/null
"$LS" scan --db "$TMP/go.db" --format json "$FIXTURES/go-stdlib.tar" >"$TMP/scan.json" 2>"$TMP/err"
check_eq "scan exits 0" 0 $?
check_eq "findings (id installed compared fixed)" \
'GO-2099-0001 go1.20 1.20.0 1.20.1
GO-2099-0001 go1.21rc2 1.21.0-rc.2 1.21.0-rc.3
GO-2099-0003 go1.20 1.20.0 1.21.4
GO-2099-0003 go1.21.3 1.21.3 1.21.4
GO-2099-0003 go1.21rc2 1.21.0-rc.2 1.21.4' \
  "$(jq -r '.vulnerabilities[] | select(.package == "stdlib") | "\(.id) \(.installedVersion) \(.comparedVersion) \(.fixedVersion)"' "$TMP/scan.json" | LC_ALL=C sort)"
check_eq "no warnings (a devel toolchain is skipped quietly)" "" "$(cat "$TMP/err")"
check_eq "sbom: stdlib versions and the full goVersion" \
'devel devel go1.23-1a2b3c4 Tue Jan 2 15:04:05 2024 +0000
go1.20 go1.20
go1.21.3 go1.21.3 X:boringcrypto
go1.21rc2 go1.21rc2' \
  "$("$LS" sbom --format json "$FIXTURES/go-stdlib.tar" | jq -r '.packages[] | select(.name == "stdlib") | "\(.version) \(.goVersion)"' | LC_ALL=C sort)"
done_testing
