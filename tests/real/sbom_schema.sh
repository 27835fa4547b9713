#!/usr/bin/env bash
# CycloneDX 1.5 output validates against the official JSON schema (ajv, with the schemas
# @cyclonedx/cyclonedx-library ships); SPDX 2.3 output has every field the 2.3 spec requires
# and valid SPDX licence expressions. On every sbom test image that could be built here.
. "$SRCDIR/tests/lib.sh"
. "$SRC/tests/real/sbom_images.sh"

if ! command -v node >/dev/null || ! sbom_image tools; then
	skip "sbom schema validation: node or the npm packages are unavailable (${SBOM_WHY:-no node})"
	done_testing
	exit 0
fi
tools=$SBOM_DIR
images=()
for spec in debian:debian-apt.tar rpm:rpm-sqlite.tar go:go.tar npm:npm.tar; do
	name=${spec%%:*} file=${spec#*:}
	if sbom_image "$name"; then
		images+=("$SBOM_DIR/$file")
	else
		skip "schema validation of the $name image: $SBOM_WHY"
	fi
done
for img in "${images[@]}"; do
	base=$(basename "$img" .tar)
	for fmt in cyclonedx spdx; do
		if ! "$LS" sbom --format $fmt -o "$TMP/$base.$fmt.json" "$img" 2>"$TMP/err"; then
			not_ok "$base: sbom --format $fmt failed"
			continue
		fi
		if node "$SRC/tests/real/sbom_validate.js" "$tools" $fmt "$TMP/$base.$fmt.json" >"$TMP/v" 2>&1; then
			ok "$base: $fmt output is valid ($(jq '(.components // .packages) | length' "$TMP/$base.$fmt.json") entries)"
		else
			not_ok "$base: $fmt output is invalid"
			sed 's/^/#   /' "$TMP/v" | head -10
		fi
	done
done
# The validators can fail: a broken document must be refused.
if [ ${#images[@]} -gt 0 ]; then
	base=$(basename "${images[0]}" .tar)
	jq '.components[0].type = "not-a-type"' "$TMP/$base.cyclonedx.json" >"$TMP/bad.cdx.json"
	check_exit "a CycloneDX document with a bad component type is refused" 1 \
		node "$SRC/tests/real/sbom_validate.js" "$tools" cyclonedx "$TMP/bad.cdx.json"
	jq '.packages[1].licenseDeclared = "not a licence (x"' "$TMP/$base.spdx.json" >"$TMP/bad.spdx.json"
	check_exit "an SPDX document with a bad licence expression is refused" 1 \
		node "$SRC/tests/real/sbom_validate.js" "$tools" spdx "$TMP/bad.spdx.json"
fi
done_testing
