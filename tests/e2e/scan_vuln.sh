#!/usr/bin/env bash
# `layerscope scan`: hand-written advisories (tests/fixtures/advisories) against images whose
# packages straddle each boundary: backports, epochs, ~, last_affected, no fix, binNMUs, a
# distro's "not affected", another release's advisory. Exact findings, every output format,
# filters, ignore files, OpenVEX and exit codes.
. "$SRCDIR/tests/lib.sh"
ensure_fixtures
DB=$TMP/adv.db
"$LS" db import --db "$DB" "$SRC/tests/fixtures/advisories" >/dev/null
deb=$FIXTURES/vuln-debian.tar
alp=$FIXTURES/vuln-alpine.tar

j=$("$LS" scan --db "$DB" --format json "$deb")
check_eq "Debian 12: exact findings (name package compared-version fix severity)" \
'["CVE-2099-0101","libssl3","3.0.11-1~deb12u1","3.0.11-1~deb12u2","HIGH"]
["CVE-2099-0103","curl","7.88.1-10+deb12u4",null,"MEDIUM"]
["CVE-2099-0105","bash","5.2.15-2","5.2.15-2+deb12u1","MEDIUM"]
["CVE-2099-0104","tar","1.34+dfsg-1.2",null,"UNDEFINED"]' \
  "$(echo "$j" | jq -c '.vulnerabilities[] | [.name, .package, .comparedVersion, .fixedVersion, .severity]')"
check_eq "matched by source package" "openssl" "$(echo "$j" | jq -r '.vulnerabilities[] | select(.package == "libssl3") | .matchedAs')"
check_eq "the CVSS v3 score is kept" "7.5" "$(echo "$j" | jq -r '.vulnerabilities[] | select(.name == "CVE-2099-0101") | .cvss3Score')"
check_eq "os detected" '"Debian:12"' "$(echo "$j" | jq -c .os.osvEcosystem)"
check_eq "severity counts" '{"CRITICAL":0,"HIGH":1,"MEDIUM":2,"LOW":0,"UNDEFINED":1}' "$(echo "$j" | jq -c .severityCounts)"

check_eq "Alpine 3.19: origin packages, apk order, '0' = not affected" \
'["CVE-2099-0201","libcrypto3","3.1.4-r1"]
["CVE-2099-0203","musl","1.2.4_git20230717-r5"]
["CVE-2099-0205","busybox","1.36.1-r16"]' \
  "$("$LS" scan --db "$DB" --format json "$alp" | jq -c '.vulnerabilities[] | [.name, .package, .fixedVersion]')"

e=$("$LS" scan --db "$DB" --format ecr "$deb")
check_eq "ECR: findingSeverityCounts" '{"CRITICAL":0,"HIGH":1,"MEDIUM":2,"LOW":0,"INFORMATIONAL":0,"UNDEFINED":1}' "$(echo "$e" | jq -c .imageScanFindings.findingSeverityCounts)"
check_eq "ECR: finding attributes" '{"package_version":"3.0.11-1~deb12u1","package_name":"libssl3","fixed_version":"3.0.11-1~deb12u2","CVSS3_VECTOR":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H","CVSS3_SCORE":"7.5"}' \
  "$(echo "$e" | jq -c '.imageScanFindings.findings[0].attributes | from_entries')"
check_eq "ECR: status and timestamps" '["COMPLETE",true,true]' "$(echo "$e" | jq -c '[.imageScanStatus.status, (.imageScanFindings.imageScanCompletedAt|type=="string"), (.imageScanFindings.vulnerabilitySourceUpdatedAt|type=="string")]')"

s=$("$LS" scan --db "$DB" --scanners vuln,secret --format sarif "$deb")
check_eq "SARIF 2.1.0: one result per finding, rules with security-severity" '["2.1.0",4,true]' \
  "$(echo "$s" | jq -c '[.version, (.runs[0].results | length), ([.runs[0].tool.driver.rules[].properties["security-severity"]] | all)]')"
c=$("$LS" scan --db "$DB" --format cyclonedx "$deb")
check_eq "CycloneDX: the SBOM with its vulnerabilities" '["CycloneDX",4]' "$(echo "$c" | jq -c '[.bomFormat, (.vulnerabilities | length)]')"
check_eq "CycloneDX: vulnerabilities affect components of the BOM" 'true' \
  "$(echo "$c" | jq '[.components[]."bom-ref"] as $refs | [.vulnerabilities[].affects[].ref | IN($refs[])] | all')"

count() { "$LS" scan --db "$DB" --format json "$@" "$deb" | jq '.vulnerabilities | length'; }
check_eq "--severity HIGH,MEDIUM" 3 "$(count --severity HIGH,MEDIUM)"
check_eq "--ignore-unfixed" 2 "$(count --ignore-unfixed)"
printf 'CVE-2099-0101 # accepted: not reachable\nCVE-2099-0104 exp:2000-01-01 # expired\n' >"$TMP/ignore"
check_eq "ignore file (an expired entry ignores nothing)" 3 "$(count --ignore-file "$TMP/ignore")"
cat >"$TMP/vex.json" <<'J'
{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "t", "timestamp": "2026-01-01T00:00:00Z", "version": 1,
 "statements": [{"vulnerability": {"name": "CVE-2099-0105"}, "products": [{"@id": "pkg:deb/debian/bash"}], "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
                {"vulnerability": {"name": "CVE-2099-0103"}, "status": "under_investigation"}]}
J
check_eq "OpenVEX not_affected silences, under_investigation does not" 3 "$(count --vex "$TMP/vex.json")"
check_exit "--fail-on HIGH" 1 "$LS" scan --db "$DB" --fail-on HIGH "$deb"
check_exit "--fail-on CRITICAL passes" 0 "$LS" scan --db "$DB" --fail-on CRITICAL "$deb"
check_exit "missing database" 2 "$LS" scan --db "$TMP/none.db" "$deb"
check_exit "unknown format" 2 "$LS" scan --db "$DB" --format xml "$deb"
check_exit "bad --severity" 2 "$LS" scan --db "$DB" --severity SEVERE "$deb"
check_eq "no OS packages, no findings" 0 "$("$LS" scan --db "$DB" --format json "$FIXTURES/basic-oci" | jq '.vulnerabilities | length')"
"$LS" scan --db "$DB" "$deb" >"$TMP/table"
check "table grouped by severity" grep -q '^HIGH (1)' "$TMP/table"
done_testing
