#!/usr/bin/env bash
# sbom vs dpkg-query: on a debootstrap minbase image and on the same image plus a RUN apt-get
# layer, the inventory equals what dpkg-query says of the same dpkg database, line for line;
# the layer that introduced each package is right; Python packages installed by apt are marked
# as owned by an OS package; os-release gives Debian:12.
. "$SRCDIR/tests/lib.sh"
. "$SRC/tests/real/sbom_images.sh"

if ! sbom_image debian; then
	skip "sbom dpkg: $SBOM_WHY"
	done_testing
	exit 0
fi

# What dpkg-query lists (installed packages only), as "name version srcname srcversion".
expected() {
	dpkg-query --admindir="$1" -W \
		-f '${db:Status-Status} ${Package} ${Version} ${source:Package} ${source:Version}\n' |
		awk '$1 == "installed" { print $2, $3, $4, $5 }' | LC_ALL=C sort
}
actual() {
	jq -r '.packages[] | select(.type == "deb") | "\(.name) \(.version) \(.sourceName) \(.sourceVersion)"' "$1" |
		LC_ALL=C sort
}

for img in debian debian-apt; do
	admin=admin1
	[ $img = debian-apt ] && admin=admin2
	check_exit "$img: sbom --format json exits 0" 0 "$LS" sbom --format json -o "$TMP/$img.json" "$SBOM_DIR/$img.tar"
	expected "$SBOM_DIR/$admin/dpkg" >"$TMP/$img.expected"
	actual "$TMP/$img.json" >"$TMP/$img.actual"
	n=$(wc -l <"$TMP/$img.expected")
	if [ "$n" -gt 50 ] && diff "$TMP/$img.expected" "$TMP/$img.actual" >"$TMP/diff"; then
		ok "$img: $n packages equal dpkg-query line for line"
	else
		not_ok "$img: inventory differs from dpkg-query ($n expected)"
		head -20 "$TMP/diff" | sed 's/^/#   /'
	fi
	check_eq "$img: osvEcosystem" "Debian:12" "$(jq -r .os.osvEcosystem "$TMP/$img.json")"
	check_eq "$img: os id" "debian" "$(jq -r .os.id "$TMP/$img.json")"
	check_eq "$img: no warnings" "0" "$(jq '.warnings | length' "$TMP/$img.json")"
	check_eq "$img: every deb package has files from its .list" "0" \
		"$(jq '[.packages[] | select(.type == "deb" and (.files | length) == 0)] | length' "$TMP/$img.json")"
done

j=$TMP/debian-apt.json
check_eq "jq was introduced by layer 1 (the RUN apt-get)" "1 apt-get install -y jq python3-six" \
	"$(jq -r '.packages[] | select(.name == "jq") | "\(.layer) \(.layerCommand)"' "$j")"
check_eq "base-files stays in layer 0" "0" "$(jq -r '.packages[] | select(.name == "base-files") | .layer' "$j")"
check_eq "libjq1 has source jq" "jq" "$(jq -r '.packages[] | select(.name == "libjq1") | .sourceName' "$j")"
check_eq "purl of jq" "pkg:deb/debian/jq@$(jq -r '.packages[] | select(.name == "jq") | .version' "$j" | sed 's/+/%2B/g; s/:/%3A/g')?arch=amd64&distro=debian-12" \
	"$(jq -r '.packages[] | select(.name == "jq") | .purl' "$j")"
six=$(jq -r '[.packages[] | select(.type == "pypi" and .name == "six")] | length' "$j")
if [ "$six" -ge 1 ]; then
	check_eq "python six (apt) is owned by an OS package" "true" \
		"$(jq -r '[.packages[] | select(.type == "pypi" and .name == "six")][0].ownedByOsPackage' "$j")"
else
	not_ok "python six from python3-six not found"
fi
check_eq "debian (one layer): every package in layer 0" "0" \
	"$(jq '[.packages[] | select(.layer != 0)] | length' "$TMP/debian.json")"
for f in table cyclonedx spdx; do
	check_exit "debian-apt: --format $f exits 0" 0 "$LS" sbom --format $f "$SBOM_DIR/debian-apt.tar"
done
done_testing
