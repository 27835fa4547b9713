#!/usr/bin/env bash
# sbom vs rpm: packages built with rpmbuild and installed with `rpm --root DIR -i --justdb`
# into a SQLite rpmdb (also one with uncheckpointed changes in rpmdb.sqlite-wal), and the same header blobs in a Berkeley DB hash file written by
# db_load; the inventory equals `rpm -qa` on the same database (name, epoch, version, release,
# source rpm). Debian's rpm has no NDB backend: NDB is in the unit tests.
. "$SRCDIR/tests/lib.sh"
. "$SRC/tests/real/sbom_images.sh"

if ! sbom_image rpm; then
	skip "sbom rpm: $SBOM_WHY"
	done_testing
	exit 0
fi
for backend in sqlite wal ndb bdb; do
	if [ -f "$SBOM_DIR/$backend.unsupported" ]; then
		skip "rpm $backend: this rpm cannot write that backend"
		continue
	fi
	j=$TMP/$backend.json
	check_exit "rpm $backend: sbom exits 0" 0 "$LS" sbom --format json -o "$j" "$SBOM_DIR/rpm-$backend.tar"
	jq -r '.packages[] | select(.type == "rpm") |
		"\(.name) \(.epoch // "(none)") \(.version | sub("-[^-]*$"; "")) \(.version | sub("^.*-"; "")) \(.sourceName)-\(.sourceVersion).src.rpm"' \
		"$j" | LC_ALL=C sort >"$TMP/actual"
	LC_ALL=C sort "$SBOM_DIR/$backend.expected" >"$TMP/expected"
	if [ -s "$TMP/expected" ] && diff "$TMP/expected" "$TMP/actual" >"$TMP/diff"; then
		ok "rpm $backend: $(wc -l <"$TMP/expected") packages equal rpm -qa"
	else
		not_ok "rpm $backend: inventory differs from rpm -qa"
		sed 's/^/#   /' "$TMP/diff" | head -10
	fi
	check_eq "rpm $backend: licence of beta" "GPL-2.0-or-later" \
		"$(jq -r '.packages[] | select(.name == "beta") | .licenses[0]' "$j")"
	[ $backend = wal ] || check_eq "rpm $backend: files of gamma" "usr/share/gamma/README" \
		"$(jq -r '.packages[] | select(.name == "gamma") | .files | join(",")' "$j")"
	check_eq "rpm $backend: purl of beta" "pkg:rpm/redhat/beta@2.3.4-5.el9?arch=noarch&epoch=2" \
		"$(jq -r '.packages[] | select(.name == "beta") | .purl' "$j")"
done
if [ -f "$TMP/bdb.json" ]; then
	check_eq "rpm bdb: delta (overflow pages) has its files" "usr/share/delta/README" \
		"$(jq -r '.packages[] | select(.name == "delta") | .files | join(",")' "$TMP/bdb.json")"
	check_eq "rpm bdb: no warnings" "0" "$(jq '.warnings | length' "$TMP/bdb.json")"
fi
done_testing
