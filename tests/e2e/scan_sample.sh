#!/usr/bin/env bash
# The shipped sample data (data/sample-advisories: real PyPA records) against the demo's
# vuln-python.tar: exactly the real CVEs those records name for its packages' versions, as
# `make demo` shows them.
. "$SRCDIR/tests/lib.sh"
ensure_fixtures
DB=$TMP/sample.db
check_exit "db import data/sample-advisories/pypa" 0 "$LS" db import --db "$DB" "$SRC/data/sample-advisories/pypa"
check_eq "32 PyPI records" "PyPI 32" "$("$LS" db info --db "$DB" | awk '$1 == "PyPI" {print $1, $2}')"
j=$("$LS" scan --db "$DB" --format json "$FIXTURES/vuln-python.tar")
check_eq "vuln-python.tar: exact findings (name id package installed fixed severity)" \
'["CVE-2023-43804","PYSEC-2023-192","urllib3","1.26.4","1.26.17","HIGH"]
["CVE-2023-46136","PYSEC-2023-221","Werkzeug","2.2.2","2.3.8","HIGH"]
["CVE-2023-45803","PYSEC-2023-212","urllib3","1.26.4","1.26.18","MEDIUM"]
["CVE-2020-14343","PYSEC-2021-142","PyYAML","5.3","5.4","UNDEFINED"]
["CVE-2020-1747","PYSEC-2020-96","PyYAML","5.3","5.3.1","UNDEFINED"]
["CVE-2020-28493","PYSEC-2021-66","Jinja2","2.11.2","2.11.3","UNDEFINED"]
["CVE-2021-33503","PYSEC-2021-108","urllib3","1.26.4","1.26.5","UNDEFINED"]
["CVE-2023-23934","PYSEC-2023-57","Werkzeug","2.2.2","2.2.3","UNDEFINED"]
["CVE-2023-25577","PYSEC-2023-58","Werkzeug","2.2.2","2.2.3","UNDEFINED"]
["CVE-2023-32681","PYSEC-2023-74","requests","2.25.1","2.31.0","UNDEFINED"]' \
  "$(echo "$j" | jq -c '.vulnerabilities[] | [.name, .id, .package, .installedVersion, .fixedVersion, .severity]')"
check_eq "found in the pip install layer" "1" "$(echo "$j" | jq '[.vulnerabilities[].layer] | unique | .[]')"
check_exit "--fail-on HIGH gates the demo image" 1 "$LS" scan --db "$DB" --fail-on HIGH "$FIXTURES/vuln-python.tar"
# The attribution the CC-BY-4.0 licence asks for stays beside the records.
for want in github.com/pypa/advisory-database 3ccb612573e2511ab5cad7dafecd838605c80cda CC-BY-4.0; do
  check "data/sample-advisories/README.md names $want" grep -qF "$want" "$SRC/data/sample-advisories/README.md"
done
done_testing
