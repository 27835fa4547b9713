#!/usr/bin/env bash
# `layerscope db import / info`: every input format, zip archives, replacement on re-import,
# all-or-nothing imports, and the real advisory data in ../shared/vulndata when present.
. "$SRCDIR/tests/lib.sh"
command -v sqlite3 >/dev/null || apt-get install -y -qq sqlite3 >/dev/null 2>&1
D=$TMP/data
mkdir -p "$D/osv" "$D/alpine" "$D/debian"
cat >"$D/osv/GO-2099-0001.json" <<'J'
{"id": "GO-2099-0001", "modified": "2099-01-02T00:00:00Z", "aliases": ["CVE-2099-0001"],
 "summary": "a test", "affected": [{"package": {"ecosystem": "Go", "name": "example.com/m"},
 "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]}]}],
 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
 "references": [{"type": "ADVISORY", "url": "https://example.com/a"}]}
J
cat >"$D/osv/PYSEC-2099-1.yaml" <<'Y'
id: PYSEC-2099-1
modified: 2099-01-03T00:00:00Z
aliases:
- CVE-2099-0002
affected:
- package:
    ecosystem: PyPI
    name: examplepkg
  ranges:
  - type: ECOSYSTEM
    events:
    - introduced: "0"
    - fixed: 1.10
  versions:
  - "1.0"
  - 1.9
Y
cat >"$D/alpine/main.json" <<'J'
{"distroversion": "v3.19", "reponame": "main", "packages": [
 {"pkg": {"name": "openssl", "secfixes": {"3.1.4-r1": ["CVE-2099-1000", "CVE-2099-1001 GHSA-xxxx-yyyy-zzzz"], "0": ["CVE-2099-1002"]}}}]}
J
cat >"$D/alpine/main.yaml" <<'Y'
---
distroversion: v3.11
reponame: main
packages:
  - pkg:
      name: busybox
      secfixes:
        1.31.1-r10:
          - CVE-2099-2000
Y
cat >"$D/debian/tracker.json" <<'J'
{"openssl": {"CVE-2099-3000": {"description": "x", "releases": {
   "bookworm": {"status": "resolved", "fixed_version": "3.0.11-1~deb12u2", "urgency": "medium"},
   "bullseye": {"status": "open", "urgency": "low"},
   "trixie": {"status": "resolved", "fixed_version": "0", "urgency": "unimportant"}}}}}
J
printf '[29 Mar 2099] DSA-9999-1 xorg-server - security update\n\t{CVE-2099-4000 CVE-2099-4001}\n\t[bookworm] - xorg-server 2:21.1.7-3+deb12u1\n\t[bullseye] - xorg-server <not-affected> (vulnerable code not present)\n' >"$D/debian/DSA_list"
printf 'This is not advisory data\n' >"$D/README"

DB=$TMP/v.db
check "import a directory of every format" "$LS" db import --db "$DB" "$D"
q() { sqlite3 "$DB" "$1"; }
check_eq "OSV JSON record" "Go|example.com/m" "$(q "SELECT ecosystem, package FROM affected WHERE advisory='GO-2099-0001'")"
check_eq "OSV YAML: versions stay strings" '["1.0","1.9"]' "$(q "SELECT versions FROM affected WHERE advisory='PYSEC-2099-1'")"
check_eq "OSV YAML: 1.10 is not 1.1" '[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.10"}]}]' "$(q "SELECT ranges FROM affected WHERE advisory='PYSEC-2099-1'")"
check_eq "Alpine JSON: fixed versions" "3" "$(q "SELECT count(*) FROM affected WHERE ecosystem='Alpine:v3.19'")"
check_eq "Alpine '0' means not affected" "not_affected" "$(q "SELECT status FROM affected WHERE advisory LIKE '%CVE-2099-1002'")"
check_eq "Alpine: several ids in one string" '["CVE-2099-1001","GHSA-xxxx-yyyy-zzzz"]' "$(q "SELECT aliases FROM advisories WHERE id LIKE '%CVE-2099-1001'")"
check_eq "Alpine YAML" "busybox" "$(q "SELECT package FROM affected WHERE ecosystem='Alpine:v3.11'")"
check_eq "Debian tracker: releases by number" "Debian:11|affected
Debian:12|affected
Debian:13|not_affected" "$(q "SELECT ecosystem, status FROM affected WHERE source='debian-tracker' ORDER BY ecosystem")"
check_eq "Debian tracker: fixed version" '[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"3.0.11-1~deb12u2"}]}]' "$(q "SELECT ranges FROM affected WHERE ecosystem='Debian:12' AND source='debian-tracker'")"
check_eq "DSA list: aliases" '["CVE-2099-4000","CVE-2099-4001"]' "$(q "SELECT aliases FROM advisories WHERE id='DSA-9999-1'")"
check_eq "DSA list: not-affected release" "Debian:11|not_affected
Debian:12|affected" "$(q "SELECT ecosystem, status FROM affected WHERE advisory='DSA-9999-1' ORDER BY ecosystem")"
check_eq "indexed by (ecosystem, package)" "1" "$(q "EXPLAIN QUERY PLAN SELECT * FROM affected WHERE ecosystem='Go' AND package='x'" | grep -c affected_by_package)"

before=$(q "SELECT count(*) FROM affected")
check "re-import the same data" "$LS" db import --db "$DB" "$D"
check_eq "re-import replaces, never duplicates" "$before" "$(q "SELECT count(*) FROM affected")"
sed -i 's/"fixed": "1.2.3"/"fixed": "1.2.4"/' "$D/osv/GO-2099-0001.json"
"$LS" db import --db "$DB" "$D/osv/GO-2099-0001.json" >/dev/null
check_eq "a changed record replaces the old one" '[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.4"}]}]' "$(q "SELECT ranges FROM affected WHERE advisory='GO-2099-0001'")"

# zip archives, as OSV publishes per ecosystem
python3 - "$D/osv" "$TMP/all.zip" <<'P'
import sys, zipfile, os
with zipfile.ZipFile(sys.argv[2], "w") as z:
    for n in os.listdir(sys.argv[1]):
        z.write(os.path.join(sys.argv[1], n), n)
P
check "import a zip" "$LS" db import --db "$TMP/zip.db" "$TMP/all.zip"
check_eq "zip: both records" "2" "$(sqlite3 "$TMP/zip.db" "SELECT count(*) FROM advisories")"

# all or nothing
mkdir -p "$TMP/bad" && cp "$D/osv/GO-2099-0001.json" "$TMP/bad/a.json" && echo '{"id": "X", "affected": [' >"$TMP/bad/b.json"
check_exit "a malformed record fails the import" 2 "$LS" db import --db "$TMP/bad.db" "$TMP/bad"
cp "$TMP/err" "$TMP/bad.err"
check "…naming the file" grep -q 'b.json: malformed JSON' "$TMP/bad.err"
check_eq "…and nothing lands" "0" "$(sqlite3 "$TMP/bad.db" "SELECT count(*) FROM advisories")"
check_exit "an unknown explicit file is an error" 2 "$LS" db import --db "$TMP/x.db" "$D/README"
check_exit "info on a missing database" 2 "$LS" db info --db "$TMP/none.db"
check_exit "db without a subcommand" 2 "$LS" db
check_exit "import without paths" 2 "$LS" db import

"$LS" db info --db "$DB" --json >"$TMP/info.json"
check_eq "info: counts per ecosystem" '{"Alpine:v3.11":1,"Alpine:v3.19":3,"Debian:11":2,"Debian:12":2,"Debian:13":1,"Go":1,"PyPI":1}' "$(jq -c .ecosystems "$TMP/info.json")"
check_eq "info: newest modification" '"2099-03-29T00:00:00Z"' "$(jq -c .newestModified "$TMP/info.json")"

# Real data, where the shared folder is present.
V=$SRC/../shared/vulndata
if [ -d "$V/golang-vulndb" ]; then
  check "import the Go vulndb, PyPA, Alpine and Debian data" "$LS" db import --db "$TMP/real.db" "$V"
  "$LS" db info --db "$TMP/real.db" --json >"$TMP/real.json"
  check_eq "Go vulndb: every record" "$(ls "$V/golang-vulndb/data/osv" | grep -c '\.json$')" "$(jq '.ecosystems.Go' "$TMP/real.json")"
  check_eq "PyPA: every record" "$(find "$V/pypa" -name '*.yaml' | wc -l)" "$(jq '.ecosystems.PyPI' "$TMP/real.json")"
else
  skip "real advisory data: ../shared/vulndata is absent"
fi
done_testing
