#!/usr/bin/env bash
# `layerscope layers --json` on real images (tests/real/images.sh) against an independent
# reading of the same blobs: the archive is unpacked with tar, manifests followed with jq, each
# layer blob hashed with sha256sum, decompressed with gzip/zstd (chosen by magic bytes) and
# listed with GNU tar. One TAP line per image x transport x check group; once per image, the
# merged views (`tree --json [--layer N]`) against the rootfs a container runtime unpacked from
# the same image (listings written by images.sh) and the test data's own features; then one line
# per image comparing its transports, the multi-platform index and the two-image docker save.
# See docs/testing-real-images.md.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/real/images.sh"

if ! tar --version 2>/dev/null | grep -q 'GNU tar'; then
	skip "real images: GNU tar is needed for the independent listing"
	done_testing
	exit
fi
real_images_require
diag "images: $REAL_IMAGES_DIR ($(cat "$REAL_IMAGES_DIR/.done"))"
while IFS= read -r line; do
	skip "REAL IMAGE PART SKIPPED: $line"
done <"$REAL_IMAGES_DIR/skipped.txt"

# compression_of FILE: gzip, zstd or none, from the first bytes.
compression_of() {
	case $(head -c4 "$1" | od -An -tx1 | tr -d ' \n') in
	1f8b*) echo gzip ;;
	28b52ffd) echo zstd ;;
	*) echo none ;;
	esac
}

decompress() { # compression file
	case $1 in
	gzip) gzip -dc <"$2" ;;
	zstd) zstd -dcq <"$2" ;;
	*) cat "$2" ;;
	esac
}

# oci_manifest LAYOUT_DIR: path of the image manifest blob (index.json -> manifest, following
# one level of image index to this machine's platform, as layerscope does by default).
oci_manifest() {
	local dir=$1 d mt
	d=$(jq -r '.manifests[0].digest' "$dir/index.json")
	mt=$(jq -r '.mediaType // empty' "$dir/blobs/${d/://}")
	if [ "$mt" = application/vnd.oci.image.index.v1+json ] ||
		[ "$mt" = application/vnd.docker.distribution.manifest.list.v2+json ]; then
		d=$(jq -r '([.manifests[] | select(.platform.os == "linux" and .platform.architecture == $arch)] + .manifests)[0].digest' \
			--arg arch "$(real_images_arch)" "$dir/blobs/${d/://}")
	fi
	echo "$dir/blobs/${d/://}"
}

# expected_layers TRANSPORT PATH OUTDIR: writes OUTDIR/expected.tsv with one row per layer:
#   digest diffId mediaType compressedSize compression files size
# and OUTDIR/diffids (the config's rootfs.diff_ids), OUTDIR/history (non-empty created_by).
expected_layers() {
	local transport=$1 path=$2 out=$3 x=$3/x layout config i blob comp tarf list
	mkdir -p "$x"
	: >"$out/expected.tsv"
	: >"$out/blobs"
	case $transport in
	docker-archive)
		tar -C "$x" -xf "$path" || return 1
		config=$x/$(jq -r '.[0].Config' "$x/manifest.json")
		jq -r '.[0].Layers[]' "$x/manifest.json" | while IFS= read -r l; do
			printf '%s\t\t\n' "$x/$l"
		done >"$out/blobs"
		;;
	oci-archive | oci)
		layout=$path
		if [ "$transport" = oci-archive ]; then
			tar -C "$x" -xf "$path" || return 1
			layout=$x
		fi
		local manifest
		manifest=$(oci_manifest "$layout")
		config=$layout/blobs/$(jq -r '.config.digest' "$manifest" | tr : /)
		jq -r '.layers[] | [.digest, .mediaType, .size] | @tsv' "$manifest" |
			while IFS=$'\t' read -r d mt size; do
				printf '%s\t%s\t%s\n' "$layout/blobs/${d/://}" "$mt" "$size"
			done >"$out/blobs"
		;;
	esac
	jq -r '.rootfs.diff_ids[]' "$config" >"$out/diffids"
	jq -r '[.history[]? | select(.empty_layer != true) | .created_by // ""] | .[]' "$config" \
		>"$out/history"
	i=0
	while IFS=$'\t' read -r blob mt size; do
		comp=$(compression_of "$blob")
		tarf=$out/layer.tar
		decompress "$comp" "$blob" >"$tarf" || return 1
		list=$out/list.$i
		# One line per entry (escape quoting keeps odd names on one line); the first
		# column's first letter is the type, the third the size.
		tar -tv --numeric-owner --quoting-style=escape -f "$tarf" >"$list" || return 1
		printf 'sha256:%s\tsha256:%s\t%s\t%s\t%s\t%s\t%s\n' \
			"$(sha256sum <"$blob" | cut -c1-64)" "$(sha256sum <"$tarf" | cut -c1-64)" \
			"$mt" "$(stat -L -c %s "$blob")" "$comp" "$(wc -l <"$list")" \
			"$(awk 'substr($1, 1, 1) == "-" { s += $3 } END { printf "%d", s }' "$list")" \
			>>"$out/expected.tsv"
		[ -z "$size" ] || [ "$size" = "$(stat -L -c %s "$blob")" ] ||
			echo "descriptor size $size of layer $i is not the blob's size" >>"$out/problems"
		rm -f "$tarf"
		i=$((i + 1))
	done <"$out/blobs"
}

# col TSV N: column N of every row, one per line.
col() { cut -f"$2" "$1"; }

check_columns() { # desc expected-file actual-file column(s)
	local want got
	want=$(col "$2" "$4")
	got=$(col "$3" "$4")
	if [ "$want" = "$got" ]; then
		ok "$1"
	else
		not_ok "$1"
		paste <(echo "$want") <(echo "$got") |
			awk -F'\t' '$1 != $2 { printf "#   layer %d: tar says %s, layerscope %s\n", NR - 1, $1, $2 }' |
			head -n10
	fi
}

check_image() { # name transport path
	local name=$1 transport=$2 path=$3 ref w t
	t="$name $transport ${path##*/}"
	ref="$transport:$path"
	w=$TMP/$name.$transport.${path##*/}
	mkdir -p "$w"
	"$LS" layers --json "$ref" >"$w/ls.json" 2>"$w/ls.err"
	local rc=$?
	if [ $rc -ne 0 ] || ! jq -e .layers "$w/ls.json" >/dev/null 2>&1; then
		not_ok "$t: layerscope layers --json $transport:... (exit $rc)"
		sed 's/^/#   /' "$w/ls.err" | head -5
		return
	fi
	ok "$t: layerscope layers --json reads it"
	if ! expected_layers "$transport" "$path" "$w" 2>"$w/exp.err"; then
		not_ok "$t: independent reading with tar/jq/sha256sum"
		sed 's/^/#   /' "$w/exp.err" | head -5
		return
	fi
	jq -r '.layers[] | [.digest, .diffId, .mediaType, .compressedSize, .compression, .files, .size] | @tsv' \
		"$w/ls.json" >"$w/actual.tsv"
	check_eq "$t: number of layers" "$(wc -l <"$w/expected.tsv")" "$(jq '.layers | length' "$w/ls.json")"
	check_columns "$t: digest = sha256 of each blob, compressedSize = its bytes" \
		"$w/expected.tsv" "$w/actual.tsv" 1,4
	check_columns "$t: compression (magic bytes)" "$w/expected.tsv" "$w/actual.tsv" 5
	check_columns "$t: diffId = sha256 of each uncompressed tar" "$w/expected.tsv" "$w/actual.tsv" 2
	check_eq "$t: config rootfs.diff_ids" "$(cat "$w/diffids")" "$(col "$w/actual.tsv" 2)"
	if [ "$transport" != docker-archive ]; then
		check_columns "$t: mediaType as the manifest declares" "$w/expected.tsv" "$w/actual.tsv" 3
	fi
	check_columns "$t: files = tar entries per layer" "$w/expected.tsv" "$w/actual.tsv" 6
	check_columns "$t: size = regular-file bytes per layer" "$w/expected.tsv" "$w/actual.tsv" 7
	check_eq "$t: image totals (layers files sizeBytes)" \
		"$(wc -l <"$w/expected.tsv") $(awk -F'\t' '{ f += $6; s += $7 } END { printf "%d %d", f, s }' "$w/expected.tsv")" \
		"$(jq -r '.image | "\(.layers) \(.files) \(.sizeBytes)"' "$w/ls.json")"
	check_eq "$t: createdBy = non-empty history entries" "$(cat "$w/history")" \
		"$(jq -r '.layers[].createdBy' "$w/ls.json")"
	if [ -s "$w/problems" ]; then
		not_ok "$t: image is well formed"
		sed 's/^/#   /' "$w/problems"
	fi
	# Detected by content: the bare path reads the same layers.
	if "$LS" layers --json "$path" >"$w/bare.json" 2>"$w/bare.err" &&
		[ "$(jq -S .layers "$w/bare.json")" = "$(jq -S .layers "$w/ls.json")" ]; then
		ok "$t: bare path is detected and reads the same"
	else
		not_ok "$t: bare path is detected and reads the same"
		sed 's/^/#   /' "$w/bare.err" | head -5
	fi
	# The test data is what the transport's name promises (zstd really is zstd, ...).
	local want_comp
	case ${path##*/} in
	docker-archive.tar | oci-plain) want_comp=none ;;
	oci-archive.tar) want_comp=gzip ;;
	oci-zstd | oci-chunked) want_comp=zstd ;;
	oci-index) want_comp=gzip ;;
	esac
	if [ -n "$want_comp" ]; then
		check_eq "$t: test data: every layer is stored as $want_comp" "$want_comp" \
			"$(col "$w/expected.tsv" 5 | sort -u | tr '\n' ' ' | sed 's/ $//')"
	fi
	# An OCI layout picked by its ref name (org.opencontainers.image.ref.name) reads the same.
	if [ "$transport" != docker-archive ]; then
		if "$LS" layers --json "$ref:latest" >"$w/ref.json" 2>"$w/ref.err" &&
			[ "$(jq -S .layers "$w/ref.json")" = "$(jq -S .layers "$w/ls.json")" ]; then
			ok "$t: $transport:PATH:latest reads the same"
		else
			not_ok "$t: $transport:PATH:latest reads the same"
			sed 's/^/#   /' "$w/ref.err" | head -5
		fi
	fi
	# What the transports must agree on: diffIds, sizes, entries, commands.
	jq -r '.layers[] | [.diffId, .size, .files, .createdBy] | @tsv' "$w/ls.json" >"$w/portable.tsv"
	cat "$w/list."* >"$w/all-entries" 2>/dev/null
}

# check_once NAME TRANSPORT PATH: checks run on one transport of each image: the thread count
# does not change the result, and the table's summary line agrees with the JSON.
check_once() {
	local t="$1 $2 ${3##*/}" ref="$2:$3" w=$TMP/once
	mkdir -p "$w"
	if "$LS" layers --json --threads 1 "$ref" >"$w/t1.json" 2>"$w/err" &&
		"$LS" layers --json --threads 3 "$ref" >"$w/t3.json" 2>>"$w/err" &&
		cmp -s "$w/t1.json" "$w/t3.json"; then
		ok "$t: --threads 1 and --threads 3 print the same JSON"
	else
		not_ok "$t: --threads 1 and --threads 3 print the same JSON"
		sed 's/^/#   /' "$w/err" | head -5
		diff "$w/t1.json" "$w/t3.json" | head -n10 | sed 's/^/#   /'
	fi
	if "$LS" layers "$ref" >"$w/table" 2>"$w/err"; then
		check_eq "$t: table summary line matches the JSON" \
			"$(jq -r '.image | "\(.layers) layers, \(.files) entries"' "$w/t1.json")" \
			"$(tail -n1 "$w/table" | sed -E 's/^([0-9]+ layers, [0-9]+ entries).*/\1/')"
	else
		not_ok "$t: layerscope layers (table) exits 0"
		sed 's/^/#   /' "$w/err" | head -5
	fi
}

# check_merged_view NAME TRANSPORT PATH: `layerscope tree --json` (the merged view after the
# last layer; rows with status "removed" are not in it) against the rootfs a container runtime
# unpacks from the same image (rootfs.tsv, written by images.sh from a buildah container or
# `docker export`): same paths, types, modes, owners, file sizes and symlink targets. A hard
# link is a file of its target's size.
check_merged_view() {
	local name=$1 t="$1 $2 ${3##*/}" ref="$2:$3" want=$REAL_IMAGES_DIR/$1/rootfs.tsv w=$TMP/merged.$1
	[ -f "$want" ] || return 0
	mkdir -p "$w"
	if ! merged_rows "$name" "$ref" "$w" >"$w/actual.tsv"; then
		not_ok "$t: layerscope tree --json reads it"
		sed 's/^/#   /' "$w/err" | head -5
		return
	fi
	cut -f1-7 "$want" | LC_ALL=C sort >"$w/want.tsv"
	if cmp -s "$w/want.tsv" "$w/actual.tsv"; then
		ok "$t: merged view = the unpacked rootfs ($(wc -l <"$w/want.tsv") paths: type, mode, owner, size, link)"
	else
		not_ok "$t: merged view = the unpacked rootfs ($(wc -l <"$w/want.tsv") paths)"
		show_row_diff "$w/want.tsv" "$w/actual.tsv"
	fi
	# After each layer, against the rootfs of the build's intermediate image for that step.
	local f n done_layers="" bad=""
	for f in "$REAL_IMAGES_DIR/$name"/rootfs.layer*.tsv; do
		[ -f "$f" ] || continue
		n=${f##*/rootfs.layer}
		n=${n%.tsv}
		cut -f1-7 "$f" | LC_ALL=C sort >"$w/want.tsv"
		if merged_rows "$name" "$ref" "$w" --layer "$n" >"$w/actual.tsv" &&
			cp "$w/tree.json" "$w/tree.$n.json" && cmp -s "$w/want.tsv" "$w/actual.tsv"; then
			done_layers="$done_layers $n"
		else
			bad="$bad $n"
			diag "after layer $n:"
			show_row_diff "$w/want.tsv" "$w/actual.tsv"
		fi
	done
	[ -n "$done_layers$bad" ] || return 0
	if [ -z "$bad" ]; then
		ok "$t: tree --layer N = the rootfs of the build step after layer N (N:$(echo "$done_layers" | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//'))"
	else
		not_ok "$t: tree --layer N = the rootfs of the build step after layer N (wrong:$bad)"
	fi
	check_changes "$name" "$t" "$w"
}

# check_changes NAME DESC WORKDIR: each path's status in layer N (tree --json --layer N, kept
# as WORKDIR/tree.N.json) against the difference of the build steps' rootfs N-1 and N: added
# (absent before), removed (absent after), modified (type, mode, owner, size, link target or
# content differ); every other path unchanged.
check_changes() {
	local name=$1 t=$2 w=$3 f n prev layers="" bad=""
	for f in "$w"/tree.*.json; do
		[ -f "$f" ] || continue
		n=${f##*/tree.}
		n=${n%.json}
		prev=$REAL_IMAGES_DIR/$name/rootfs.layer$((n - 1)).tsv
		[ "$n" -ge 1 ] && [ -f "$prev" ] && [ -f "$REAL_IMAGES_DIR/$name/rootfs.layer$n.tsv" ] || continue
		python3 - "$prev" "$REAL_IMAGES_DIR/$name/rootfs.layer$n.tsv" >"$w/changes.want" <<'PY'
import sys
def rows(path):
    with open(path, encoding="utf-8") as f:
        return {line.split("\t", 1)[0]: line.rstrip("\n").split("\t", 1)[1] for line in f if line.strip()}
before, after = rows(sys.argv[1]), rows(sys.argv[2])
out = ["A " + p for p in after if p not in before] + ["D " + p for p in before if p not in after]
out += ["M " + p for p in after if p in before and after[p] != before[p]]
for line in sorted(out):
    print(line)
PY
		jq -r '.[] | select(.status != "unchanged")
			| "\({added: "A", removed: "D", modified: "M"}[.status] // .status) \(.path | tojson)"' "$f" |
			if [ "$name" = docker-opaque ]; then
				grep -vE '^. "/(\.dockerenv|etc/hostname|etc/hosts|etc/resolv\.conf|etc/mtab|dev|dev/[^"]*|proc|sys)"$'
			else
				cat
			fi | LC_ALL=C sort >"$w/changes.got"
		LC_ALL=C sort -o "$w/changes.want" "$w/changes.want"
		if cmp -s "$w/changes.want" "$w/changes.got"; then
			layers="$layers $n"
		else
			bad="$bad $n"
			diag "layer $n changes:"
			diff "$w/changes.want" "$w/changes.got" | grep '^[<>]' | head -n8 |
				sed -e 's/^</#   rootfs diff: /' -e 's/^>/#   layerscope:  /'
		fi
	done
	[ -n "$layers$bad" ] || return 0
	if [ -z "$bad" ]; then
		ok "$t: tree --layer N statuses (A/D/M) = the difference of the build steps' rootfs (N:$(echo "$layers" | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//'))"
	else
		not_ok "$t: tree --layer N statuses (A/D/M) = the difference of the build steps' rootfs (wrong:$bad)"
	fi
}

# merged_rows NAME REF WORKDIR [--layer N]: layerscope's merged view as rootfs.tsv rows.
merged_rows() {
	local name=$1 ref=$2 w=$3
	shift 3
	"$LS" tree --json "$@" "$ref" >"$w/tree.json" 2>"$w/err" || return 1
	jq -r '(map(select(.type == "file") | {key: .path, value: .size}) | from_entries) as $size
		| .[] | select(.status != "removed") | [(.path | tojson),
			(if .type == "hardlink" then "file" else .type end), .mode, .uid, .gid,
			(if .type == "file" then .size elif .type == "hardlink" then ($size["/" + .link] // "?") else 0 end),
			(if .type == "symlink" then .link else "" end)] | map(tostring) | join("\t")' "$w/tree.json" |
		if [ "$name" = docker-opaque ]; then # what the engine adds to a container is not compared
			grep -vE '^"/(\.dockerenv|etc/hostname|etc/hosts|etc/resolv\.conf|etc/mtab|dev|dev/[^"]*|proc|sys)"'$'\t'
		else
			cat
		fi | LC_ALL=C sort
}

show_row_diff() { # want actual
	diff "$1" "$2" | grep '^[<>]' | head -n12 |
		sed -e 's/^</#   rootfs:     /' -e 's/^>/#   layerscope: /'
}

# check_features NAME DIR: the test image holds the cases it was written for.
check_features() {
	local name=$1 w=$2 want=() f
	case $name in
	busybox-edits) want=(whiteout hardlink symlink fifo longname emptylayer) ;;
	debian-edits) want=(whiteout hardlink symlink chardev) ;;
	docker-opaque) want=(opaque whiteout hardlink symlink savedsymlink) ;;
	esac
	for f in "${want[@]}"; do
		local hit=0
		case $f in
		whiteout) grep -q '/\.wh\.[^.]' "$w/all-entries" && hit=1 ;;
		opaque) grep -q '\.wh\.\.wh\.\.opq$' "$w/all-entries" && hit=1 ;;
		hardlink) grep -q '^h' "$w/all-entries" && hit=1 ;;
		symlink) grep -q '^l' "$w/all-entries" && hit=1 ;;
		fifo) grep -q '^p' "$w/all-entries" && hit=1 ;;
		chardev) grep -q '^c' "$w/all-entries" && hit=1 ;;
		longname) awk '{ $1 = $2 = $3 = $4 = $5 = ""; if (length($0) > 110) found = 1 } END { exit !found }' \
			"$w/all-entries" && hit=1 ;;
		emptylayer) cut -f6 "$w/expected.tsv" | grep -qx 0 && hit=1 ;;
		# The legacy `docker save` layout stores a repeated layer once, as a symlink.
		savedsymlink) tar -tvf "$REAL_IMAGES_DIR/$name/docker-archive.tar" | grep -q '^l.*layer\.tar' &&
			hit=1 ;;
		esac
		if [ $hit = 1 ]; then ok "$name: test data has: $f"; else not_ok "$name: test data has: $f"; fi
	done
}

# check_platforms DIR: an OCI index with this machine's image (busybox-edits) and a foreign one.
check_platforms() {
	local dir=$1 t="multi-arch oci-index" other arch
	other=$(real_images_other_arch)
	arch=$(real_images_arch)
	if "$LS" layers --json "oci:$dir" >"$TMP/p.json" 2>"$TMP/err"; then
		check_eq "$t: default platform is this machine's (linux/$arch), the busybox-edits layers" \
			"$(cut -f1 "$TMP/busybox-edits.portable.docker-archive.docker-archive.tar" 2>/dev/null)" \
			"$(jq -r '.layers[].diffId' "$TMP/p.json")"
	else
		not_ok "$t: default platform reads"
		sed 's/^/#   /' "$TMP/err" | head -5
	fi
	if "$LS" layers --json --platform "linux/$other" "oci:$dir" >"$TMP/p.json" 2>"$TMP/err"; then
		check_eq "$t: --platform linux/$other picks the foreign image (1 layer, 1 entry)" \
			"$other 1 1" "$(jq -r '"\(.image.architecture) \(.image.layers) \(.image.files)"' "$TMP/p.json")"
	else
		not_ok "$t: --platform linux/$other reads"
		sed 's/^/#   /' "$TMP/err" | head -5
	fi
	check_exit "$t: --platform linux/s390x exits 2" 2 "$LS" layers --platform linux/s390x "oci:$dir"
	if grep -q "linux/$arch" "$TMP/err" && grep -q "linux/$other" "$TMP/err" && [ "$(wc -l <"$TMP/err")" = 1 ]; then
		ok "$t: the error lists the platforms present"
	else
		not_ok "$t: the error lists the platforms present"
		sed 's/^/#   /' "$TMP/err" | head -3
	fi
	check_exit "$t: oci:DIR:nosuchref exits 2" 2 "$LS" layers "oci:$dir:nosuchref"
	check_exit "$t: oci:DIR:latest reads" 0 "$LS" layers "oci:$dir:latest"
}

# check_multi_image TAR: a `docker save` of two images, picked by tag or @INDEX.
check_multi_image() {
	local tar=$1 t="docker-opaque docker-archive-multi.tar" i tag n
	check_exit "$t: no TAG or @INDEX with two images exits 2" 2 "$LS" layers "docker-archive:$tar"
	tar -xOf "$tar" manifest.json >"$TMP/multi-manifest.json"
	n=$(jq length "$TMP/multi-manifest.json")
	check_eq "$t: holds two images" 2 "$n"
	for i in $(seq 0 $((n - 1))); do
		tag=$(jq -r ".[$i].RepoTags[0]" "$TMP/multi-manifest.json")
		if "$LS" layers --json "docker-archive:$tar:@$i" >"$TMP/by-index.json" 2>"$TMP/err" &&
			"$LS" layers --json "docker-archive:$tar:$tag" >"$TMP/by-tag.json" 2>>"$TMP/err"; then
			check_eq "$t: :@$i and :$tag are the same image with $(jq ".[$i].Layers | length" "$TMP/multi-manifest.json") layers" \
				"$(jq -S .layers "$TMP/by-index.json") $(jq ".[$i].Layers | length" "$TMP/multi-manifest.json")" \
				"$(jq -S .layers "$TMP/by-tag.json") $(jq '.layers | length' "$TMP/by-tag.json")"
		else
			not_ok "$t: :@$i and :$tag read"
			sed 's/^/#   /' "$TMP/err" | head -5
		fi
	done
	check_exit "$t: :@2 (out of range) exits 2" 2 "$LS" layers "docker-archive:$tar:@2"
}

names=$(cut -f1 "$REAL_IMAGES_DIR/images.tsv" | uniq)
for name in $names; do
	first=
	while IFS=$'\t' read -r n transport rel; do
		[ "$n" = "$name" ] || continue
		check_image "$name" "$transport" "$REAL_IMAGES_DIR/$rel"
		w=$TMP/$name.$transport.${rel##*/}
		if [ -z "$first" ] && [ -f "$w/all-entries" ]; then
			first=$w
			check_features "$name" "$w"
			check_once "$name" "$transport" "$REAL_IMAGES_DIR/$rel"
			check_merged_view "$name" "$transport" "$REAL_IMAGES_DIR/$rel"
		fi
		[ -f "$w/portable.tsv" ] && cp "$w/portable.tsv" "$TMP/$name.portable.${transport}.${rel##*/}"
		rm -rf "$w/x"
	done <"$REAL_IMAGES_DIR/images.tsv"
	# Every transport of one image: same diffIds, sizes, entry counts and commands.
	listed=$(awk -F'\t' -v n="$name" '$1 == n' "$REAL_IMAGES_DIR/images.tsv" | wc -l)
	[ "$listed" -ge 2 ] || continue
	set -- "$TMP/$name.portable."*
	agree=1
	[ -f "$1" ] && [ $# = "$listed" ] || { agree=0; diag "only $# of $listed transports were read"; }
	for f in "$@"; do
		cmp -s "$1" "$f" || { agree=0; diag "$(basename "$f") differs from $(basename "$1")"; }
	done
	if [ $agree = 1 ]; then
		ok "$name: its $listed transports agree (diffIds, sizes, files, commands)"
	else
		not_ok "$name: its $listed transports agree (diffIds, sizes, files, commands)"
	fi
done
[ -d "$REAL_IMAGES_DIR/multi-arch/oci-index" ] && check_platforms "$REAL_IMAGES_DIR/multi-arch/oci-index"
[ -f "$REAL_IMAGES_DIR/docker-opaque/docker-archive-multi.tar" ] &&
	check_multi_image "$REAL_IMAGES_DIR/docker-opaque/docker-archive-multi.tar"

# `docker save | gzip` and `| zstd` of real archives (the real engine's, with its opaque
# whiteout, and buildah's on the Debian base): every layer, digest and entry count as read
# from the uncompressed archive, and the same merged tree.
for rel in docker-opaque/docker-archive.tar debian-edits/docker-archive.tar; do
	tar=$REAL_IMAGES_DIR/$rel
	[ -f "$tar" ] || { skip "compressed $rel: not in the image cache"; continue; }
	"$LS" layers --json "$tar" | jq -S 'del(.image.reference)' >"$TMP/plain.json"
	"$LS" tree --json "$tar" | jq -S . >"$TMP/plain-tree.json"
	gzip -1 -c "$tar" >"$TMP/packed.tar.gz"
	zstd -q -1 -c "$tar" >"$TMP/packed.tar.zst"
	for z in gz zst; do
		if "$LS" layers --json "$TMP/packed.tar.$z" 2>"$TMP/err" | jq -S 'del(.image.reference)' >"$TMP/packed.json" &&
			cmp -s "$TMP/plain.json" "$TMP/packed.json" &&
			"$LS" tree --json "$TMP/packed.tar.$z" 2>>"$TMP/err" | jq -S . | cmp -s - "$TMP/plain-tree.json"; then
			ok "${rel%%/*} docker-archive .tar.$z: the same layers and final tree as uncompressed"
		else
			not_ok "${rel%%/*} docker-archive .tar.$z: the same layers and final tree as uncompressed"
			sed 's/^/#   /' "$TMP/err" | head -3
		fi
	done
	rm -f "$TMP/packed.tar.gz" "$TMP/packed.tar.zst"
done
done_testing
