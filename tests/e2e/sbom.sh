#!/usr/bin/env bash
# layerscope sbom on small synthetic images (tests/e2e/sbom_fixtures.py, no network): apk
# databases with odd fields, the layer that introduced each version across four layers,
# whiteouts, npm lock files, gems, nested jars, OS ownership, and broken package files (each
# a warning naming the file, the rest still listed); usage errors.
. "$SRCDIR/tests/lib.sh"

FX=$TMP/fx
if ! python3 "$SRC/tests/e2e/sbom_fixtures.py" "$FX" >"$TMP/fx.log" 2>&1; then
	not_ok "sbom fixtures could not be made"
	sed 's/^/#   /' "$TMP/fx.log" | tail -5
	done_testing
	exit 1
fi
pkgs() { jq -r '.packages[] | "\(.type) \(.name) \(.version) \(.layer)"' "$1" | LC_ALL=C sort | tr '\n' ';'; }
field() { jq -r --arg n "$2" ".packages[] | select(.name == \$n) | $3" "$1"; }

# --- apk ---
check_exit "apk: sbom exits 0" 0 "$LS" sbom --format json -o "$TMP/apk.json" "$FX/apk.tar"
j=$TMP/apk.json
check_eq "apk: packages" "apk busybox 1.36.1-r15 0;apk libcrypto3 3.1.4-r5 0;apk musl 1.2.4_git20230717-r4 0;apk py3-six 1.16.0-r8 0;apk ssl_client 1.36.1-r15 0;pypi requests 2.31.0 0;pypi six 1.16.0 0;" "$(pkgs "$j")"
check_eq "apk: os" "alpine 3.19.1 Alpine:v3.19" "$(jq -r '"\(.os.id) \(.os.version) \(.os.osvEcosystem)"' "$j")"
check_eq "apk: origin is the source package" "openssl" "$(field "$j" libcrypto3 .sourceName)"
check_eq "apk: no origin: source is the name" "busybox" "$(field "$j" busybox .sourceName)"
check_eq "apk: last stanza without a newline" "busybox" "$(field "$j" ssl_client .sourceName)"
check_eq "apk: licence" "Apache-2.0" "$(field "$j" libcrypto3 '.licenses[0]')"
check_eq "apk: F/R files" "usr/lib/libcrypto.so.3,usr/lib/engines-3/afalg.so" "$(field "$j" libcrypto3 '.files | join(",")')"
check_eq "apk: purl" "pkg:apk/alpine/libcrypto3@3.1.4-r5?arch=x86_64&distro=alpine-3.19.1&upstream=openssl" "$(field "$j" libcrypto3 .purl)"
check_eq "apk: six (listed by py3-six) is owned by an OS package" "true" "$(jq -r '.packages[] | select(.type == "pypi" and .name == "six") | .ownedByOsPackage' "$j")"
check_eq "apk: requests (pip) is not" "false" "$(field "$j" requests .ownedByOsPackage)"
check_eq "apk: python licence" "Apache 2.0" "$(field "$j" requests '.licenses[0]')"
grep -q 'lib/apk/db/installed: line .*without P' "$TMP/err" && ok "apk: a stanza without P is a warning naming the file" || not_ok "apk: missing-P warning"

# --- distroless (dpkg status.d) ---
check_exit "distroless: sbom exits 0" 0 "$LS" sbom --format json -o "$TMP/dl.json" "$FX/distroless.tar"
j=$TMP/dl.json
check_eq "distroless: status.d stanzas (no Status field) are packages" "deb base-files 12.4+deb12u5 0;deb libssl3 3.0.11-1~deb12u2 0;" "$(pkgs "$j")"
check_eq "distroless: files from the .md5sums" "etc/debian_version,usr/lib/os-release" "$(field "$j" base-files '.files | join(",")')"
check_eq "distroless: Source without version" "openssl 3.0.11-1~deb12u2" "$(field "$j" libssl3 '"\(.sourceName) \(.sourceVersion)"')"
check_eq "distroless: location" "var/lib/dpkg/status.d/libssl3" "$(field "$j" libssl3 '.locations[0]')"

# --- layers ---
check_exit "layers: sbom exits 0" 0 "$LS" sbom --format json -o "$TMP/layers.json" "$FX/layers.tar"
j=$TMP/layers.json
check_eq "layers: each version's introducing layer; whiteout removes; lock adds only what is not installed" \
	"apk a 1.0-r0 0;apk b 2.0-r0 1;apk c 1.0-r0 1;gem rack 3.0.8 3;maven app 1.0.0 3;maven slf4j-api 2.0.9 3;npm @scope/inner 2.0.0 2;npm left-pad 1.3.1 2;npm not-installed 0.0.1 2;npm only-in-abc 1.0.0 2;" \
	"$(pkgs "$j")"
check_eq "layers: layer command" "apk add b=2.0 c" "$(field "$j" b .layerCommand)"
check_eq "layers: npm package.json location" "app/node_modules/left-pad/package.json" "$(field "$j" left-pad '.locations[0]')"
check_eq "layers: lock-only package location" "app/package-lock.json" "$(field "$j" not-installed '.locations[0]')"
check_eq "layers: maven purl (nested jar)" "pkg:maven/org.slf4j/slf4j-api@2.0.9" "$(field "$j" slf4j-api .purl)"
check_eq "layers: gem licence" "MIT" "$(field "$j" rack '.licenses[0]')"
check_eq "layers: gem purl" "pkg:gem/rack@3.0.8" "$(field "$j" rack .purl)"
check_eq "layers: scoped npm purl" "pkg:npm/%40scope/inner@2.0.0" "$(field "$j" @scope/inner .purl)"

# --- bad input ---
check_exit "bad: sbom still exits 0" 0 "$LS" sbom --format json -o "$TMP/bad.json" "$FX/bad.tar"
j=$TMP/bad.json
check_eq "bad: the good packages are listed" "deb good 1.0 0;deb good2 2.0 0;npm fine 1.0.0 0;pypi ok 1.0 0;" "$(pkgs "$j")"
check_eq "bad: Source with a version" "src2 1.9" "$(field "$j" good2 '"\(.sourceName) \(.sourceVersion)"')"
for f in 'var/lib/dpkg/status: line 5: stanza without Version' \
	'var/lib/dpkg/status.d/garbage (layer 0): binary data' \
	'bin-1.0.dist-info/METADATA (layer 0): binary data' \
	'empty-1.0.dist-info/METADATA (layer 0): no Name or Version' \
	'app/node_modules/broken/package.json (layer 0): package.json: malformed JSON' \
	'var/lib/rpm/rpmdb.sqlite (layer 0): ' \
	'usr/lib/sysimage/rpm/Packages.db: package 1: blob at block 100000 past the end' \
	'usr/local/bin/trunc-go (layer 0): Go build info: version string past the end' \
	'opt/broken.jar (layer 0): '; do
	if jq -r '.warnings[]' "$j" | grep -qF -- "$f"; then ok "bad: warning: $f"; else not_ok "bad: no warning: $f"; fi
done
grep -q '^layerscope: warning: ' "$TMP/err" && ok "bad: warnings also on stderr" || not_ok "bad: warnings on stderr"

# --- formats and usage ---
check_exit "table format" 0 "$LS" sbom "$FX/layers.tar"
grep -q '^slf4j-api ' "$TMP/out" && ok "table lists slf4j-api" || not_ok "table lists slf4j-api"
check_exit "-o writes a file" 0 "$LS" sbom -f cyclonedx -o "$TMP/c.json" "$FX/apk.tar"
check_eq "cyclonedx specVersion" "1.5" "$(jq -r .specVersion "$TMP/c.json")"
check_exit "spdx" 0 "$LS" sbom --format spdx-json "$FX/apk.tar"
check_eq "spdx version" "SPDX-2.3" "$(jq -r .spdxVersion "$TMP/out")"
# SPDX 3.0.1 JSON-LD: the shape (the official schema validates it in tests/real/sbom_schema.sh).
check_exit "spdx3" 0 "$LS" sbom --format spdx3 -o "$TMP/s3.json" "$FX/layers.tar"
j=$TMP/s3.json
g() { jq -r "$1" "$j"; }
check_eq "spdx3: @context" "https://spdx.org/rdf/3.0.1/spdx-context.jsonld" "$(g '."@context"')"
check_eq "spdx3: one CreationInfo, spec 3.0.1, UTC time" "1 3.0.1 true" \
	"$(g '[."@graph"[] | select(.type == "CreationInfo")] | "\(length) \(.[0].specVersion) \(.[0].created | test("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$"))"')"
check_eq "spdx3: every element has a unique spdxId and the CreationInfo" "true" \
	"$(g '[."@graph"[] | select(.type != "CreationInfo")] | (map(.spdxId) | unique | length) == length and all(.creationInfo == "_:creationinfo")')"
check_eq "spdx3: every reference names an element of the graph" "" \
	"$(g '[."@graph"[] | .spdxId // empty] as $ids | ."@graph"[] | (.createdBy, .createdUsing, .rootElement, .element, .to, [.from]) | arrays | .[] | select(. != null and (. as $r | $ids | index($r) | not))')"
check_eq "spdx3: created by a SoftwareAgent, using the Tool" "SoftwareAgent Tool" \
	"$(g '."@graph" as $gr | ."@graph"[0] | [(.createdBy[0], .createdUsing[0]) as $r | $gr[] | select(.spdxId == $r) | .type] | join(" ")')"
check_eq "spdx3: document -> sbom -> container image" "software_Sbom container" \
	"$(g '."@graph" as $gr | ($gr[] | select(.type == "SpdxDocument") | .rootElement[0]) as $s | ($gr[] | select(.spdxId == $s)) as $sbom | ($gr[] | select(.spdxId == $sbom.rootElement[0])) as $img | "\($sbom.type) \($img.software_primaryPurpose)"')"
check_eq "spdx3: the packages (name, version, purl) are the inventory's" \
	"$(jq -r '.packages[] | "\(.name) \(.version) \(.purl)"' "$TMP/layers.json" | LC_ALL=C sort)" \
	"$(g '."@graph"[] | select(.type == "software_Package" and .software_primaryPurpose == "library") | "\(.name) \(.software_packageVersion) \(.software_packageUrl)"' | LC_ALL=C sort)"
check_eq "spdx3: the purl is also an externalIdentifier" "true" \
	"$(g '[."@graph"[] | select(.software_packageUrl) | .externalIdentifier[0] == {type: "ExternalIdentifier", externalIdentifierType: "packageUrl", identifier: .software_packageUrl}] | all')"
check_eq "spdx3: the image contains the OS and every package" "$(($(jq '.packages | length' "$TMP/layers.json") + 1))" \
	"$(g '[."@graph"[] | select(.type == "Relationship" and .relationshipType == "contains")] | .[0].to | length')"
check_eq "spdx3: declared licence (rack: MIT) through hasDeclaredLicense" "MIT" \
	"$(g '."@graph" as $gr | ($gr[] | select(.name == "rack") | .spdxId) as $p | $gr[] | select(.type == "Relationship" and .relationshipType == "hasDeclaredLicense" and .from == $p) | .to[0] as $l | $gr[] | select(.spdxId == $l) | .simplelicensing_licenseExpression')"
check_eq "spdx3: one element per distinct licence expression" "true" \
	"$(g '[."@graph"[] | select(.type == "simplelicensing_LicenseExpression") | .simplelicensing_licenseExpression] | length == (unique | length)')"
check_eq "spdx3: layer and command as properties (left-pad)" "2 npm install" \
	"$(g '."@graph"[] | select(.name == "left-pad") | .extension[0].extension_cdxProperty | map({key: .extension_cdxPropName, value: .extension_cdxPropValue}) | from_entries | "\(."layerscope:layer") \(."layerscope:layer:command")"')"
check_exit "spdx3-json is an alias" 0 "$LS" sbom --format spdx3-json "$FX/apk.tar"
check_eq "spdx3-json: JSON-LD" "https://spdx.org/rdf/3.0.1/spdx-context.jsonld" "$(jq -r '."@context"' "$TMP/out")"
check_exit "--help exits 0" 0 "$LS" sbom --help
check_exit "unknown format is a usage error" 2 "$LS" sbom --format xml "$FX/apk.tar"
check_exit "no image is a usage error" 2 "$LS" sbom
check_exit "a missing image is an input error" 2 "$LS" sbom "$TMP/nope.tar"
check_exit "an unwritable -o is an error" 2 "$LS" sbom -o /nonexistent/dir/x.json "$FX/apk.tar"
done_testing
