#!/usr/bin/env bash
# Real container images for the "real" test tier, built once and cached.
#
# As a library (tests/real/*.sh):  . "$SRC/tests/real/images.sh"; real_images_ensure
#   then REAL_IMAGES_DIR holds the images and "$REAL_IMAGES_DIR/images.tsv" lists them
#   (name <TAB> transport <TAB> path relative to REAL_IMAGES_DIR); on failure it returns 1 with
#   the reason in REAL_IMAGES_WHY. "$REAL_IMAGES_DIR/skipped.txt" names parts that could not be
#   built on this machine (no network for debootstrap, no working dockerd).
# Alone:  bash tests/real/images.sh [--rebuild]   builds (or finds) the cache and prints the list.
#
# What it builds (see docs/testing-real-images.md):
#   localhost/ls-busybox  one layer: /bin/busybox from busybox-static and its applet symlinks
#   localhost/ls-debian   one layer: debootstrap --variant=minbase bookworm
#   busybox-edits, debian-edits   buildah build (vfs, chroot isolation, --layers) of
#       tests/real/dockerfiles/NAME/Dockerfile on those bases
#   debian-waste          the same, each kind of waste on purpose (a real apt-get update);
#                         exported as docker-archive only
#   docker-opaque         built and saved by a real dockerd (overlay2, legacy builder); also
#                         docker-archive-multi.tar, one `docker save` of two images
#   multi-arch            an OCI image index: busybox-edits + a one-file image for another arch
# each exported as docker-archive (plain layers), oci-archive (gzip), oci dir (zstd) and,
# for the buildah ones, an oci dir with uncompressed layers (busybox-edits: also zstd:chunked).
# NAME/rootfs.tsv lists the root filesystem a container runtime unpacks from the final image,
# NAME/rootfs.layerN.tsv the one after layer N (busybox-edits, docker-opaque): the oracle for
# layerscope's merged view.
#
# Cache: ${LS_IMAGE_CACHE:-/var/tmp/layerscope-images}/KEY, KEY a hash of this script and every
# file under tests/real/dockerfiles, so an edit rebuilds; other keys are deleted then. A flock on
# the cache's .lock serialises builders; LS_IMAGE_REBUILD=1 forces a rebuild.

# debootstrap and dockerd live in /usr/sbin, which a user's PATH may lack.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac
REAL_IMAGES_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$REAL_IMAGES_HERE/dockerd.sh"
REAL_IMAGES_CACHE=${LS_IMAGE_CACHE:-/var/tmp/layerscope-images}
REAL_IMAGES_DIR=
REAL_IMAGES_WHY=

real_images_key() {
	(
		cd "$REAL_IMAGES_HERE" || exit 1
		{
			cat images.sh dockerd.sh
			find dockerfiles -type f | LC_ALL=C sort | while IFS= read -r f; do
				printf '%s\n' "$f"
				cat "$f"
			done
		} | sha256sum | cut -c1-16
	)
}

# Install the tools the tier needs when they are missing (root + apt-get), quietly.
real_images_install_tools() {
	local want=() missing=()
	command -v buildah >/dev/null || want+=(buildah)
	command -v skopeo >/dev/null || want+=(skopeo)
	command -v debootstrap >/dev/null || want+=(debootstrap)
	command -v zstd >/dev/null || want+=(zstd)
	command -v jq >/dev/null || want+=(jq)
	command -v newuidmap >/dev/null || want+=(uidmap)
	dpkg-query -W -f '${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' ||
		want+=(busybox-static)
	command -v dockerd >/dev/null || [ -x /usr/sbin/dockerd ] || want+=(docker.io)
	[ ${#want[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
		echo "images.sh: missing ${want[*]} and cannot install them (not root or no apt-get)" >&2
		return 0
	fi
	echo "images.sh: installing ${want[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null 2>&1; then
		apt-get update -qq >/dev/null 2>&1
		for p in "${want[@]}"; do
			apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 ||
				missing+=("$p")
		done
		[ ${#missing[@]} -eq 0 ] || echo "images.sh: could not install ${missing[*]}" >&2
	fi
	return 0
}

# The Debian mirror this machine's apt uses (deb822 .sources or one-line .list), not security.
real_images_mirror() {
	local m
	m=$(grep -hsE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources |
		awk '{ print $2 }' | grep -v -- '-security' | head -n1)
	if [ -z "$m" ]; then
		m=$(grep -hsE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
			awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file|ftp):/) { print $i; break } }' |
			grep -v -- '-security' | head -n1)
	fi
	echo "${m:-http://deb.debian.org/debian}"
}

# buildah on a private store inside the work dir: never touches the machine's own images.
_bah() {
	STORAGE_DRIVER=vfs BUILDAH_ISOLATION=chroot buildah --root "$_W/storage/root" \
		--runroot "$_W/storage/run" --storage-driver vfs "$@"
}

# Commit rootfs directory $2 as image $1 (one layer), copying it with tar to keep device
# nodes, hard links and ownership exactly.
_commit_rootfs() {
	local name=$1 rootfs=$2 ctr mnt
	ctr=$(_bah from --quiet scratch) || return 1
	mnt=$(_bah mount "$ctr") || return 1
	tar -C "$rootfs" --numeric-owner -cf - . | tar -C "$mnt" --numeric-owner -xpf - || return 1
	_bah umount "$ctr" >/dev/null &&
		_bah config --cmd /bin/sh --created-by "layerscope test base $name" "$ctr" &&
		_bah commit --quiet "$ctr" "localhost/$name" >/dev/null &&
		_bah rm "$ctr" >/dev/null
}

_build_busybox_base() {
	local r=$_W/busybox-rootfs p bb=/bin/busybox
	[ -x "$bb" ] || bb=/usr/bin/busybox
	file -L "$bb" 2>/dev/null | grep -qE 'statically linked|static-pie' ||
		ldd "$bb" 2>&1 | grep -qE 'not a dynamic|statically linked' ||
		{ echo "$bb is not static (install busybox-static)" >&2; return 1; }
	mkdir -p "$r/bin" "$r/etc" "$r/tmp" "$r/root"
	cp "$bb" "$r/bin/busybox"
	chmod 1777 "$r/tmp"
	for p in $("$bb" --list-full); do
		[ "$p" = bin/busybox ] && continue
		mkdir -p "$r/$(dirname "$p")"
		ln -s /bin/busybox "$r/$p"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' >"$r/etc/passwd"
	printf 'root:x:0:\nuser:x:1000:\n' >"$r/etc/group"
	_commit_rootfs ls-busybox "$r"
}

# debootstrap into $_W/debian-rootfs; mostly waiting on the network, so it runs in the
# background while the busybox and docker images are built.
_debootstrap() {
	local mirror
	mirror=$(real_images_mirror)
	_phase "debootstrap --variant=minbase bookworm from $mirror (background)"
	# A mirror that does not answer must not hang the suite (wget waits 15 min by default).
	timeout 600 debootstrap --variant=minbase bookworm "$_W/debian-rootfs" "$mirror" \
		>"$_W/debootstrap.log" 2>&1
}

_build_debian_base() {
	local r=$_W/debian-rootfs
	wait "$1" || {
		tail -n5 "$_W/debootstrap.log" >&2
		return 1
	}
	_phase "debootstrap done"
	# Downloaded packages and apt lists are not part of an image anyone ships.
	rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/* "$r"/var/log/*.log
	_commit_rootfs ls-debian "$r"
}

_phase() { echo "images.sh: [$SECONDS s] $*" >&2; }

# Export localhost/$1 to every transport under $_OUT/$1 and list them in images.tsv;
# with --docker-archive-only, to that one (an image only its waste is tested on).
_export_buildah_image() {
	local name=$1 d=$_OUT/$1
	mkdir -p "$d"
	_bah push --quiet "localhost/$name" "docker-archive:$d/docker-archive.tar:localhost/$name:latest" ||
		return 1
	printf '%s\tdocker-archive\t%s\n' "$name" "$name/docker-archive.tar" >>"$_OUT/images.tsv"
	[ "${2:-}" = --docker-archive-only ] && return 0
	_bah push --quiet "localhost/$name" "oci-archive:$d/oci-archive.tar:latest" &&
		_bah push --quiet --compression-format zstd "localhost/$name" "oci:$d/oci-zstd:latest" || return 1
	printf '%s\toci-archive\t%s\n%s\toci\t%s\n' \
		"$name" "$name/oci-archive.tar" "$name" "$name/oci-zstd" >>"$_OUT/images.tsv"
	# zstd:chunked (zstd frames per file plus a skippable-frame table of contents).
	if [ "$name" = busybox-edits ]; then
		_bah push --quiet --compression-format zstd:chunked "localhost/$name" "oci:$d/oci-chunked:latest" || return 1
		printf '%s\toci\t%s\n' "$name" "$name/oci-chunked" >>"$_OUT/images.tsv"
	fi
	# Uncompressed OCI layers: skopeo keeps the docker-archive's plain tars as they are.
	if skopeo copy --quiet --dest-oci-accept-uncompressed-layers \
		"docker-archive:$d/docker-archive.tar" "oci:$d/oci-plain:latest" >&2; then
		printf '%s\toci\t%s\n' "$name" "$name/oci-plain" >>"$_OUT/images.tsv"
	else
		echo "$name: oci dir with uncompressed layers could not be written" >>"$_OUT/skipped.txt"
	fi
}

# The GOARCH name of this machine, and another one for a foreign image.
real_images_arch() {
	case $(uname -m) in
	x86_64) echo amd64 ;;
	aarch64) echo arm64 ;;
	*) uname -m ;;
	esac
}
real_images_other_arch() { [ "$(real_images_arch)" = arm64 ] && echo amd64 || echo arm64; }

# An OCI image index with two platforms: busybox-edits (this machine's) and a one-file image
# for another architecture (made without running anything, so no emulator is needed).
_build_multi_platform() {
	local d=$_OUT/multi-arch ctr other
	other=$(real_images_other_arch)
	mkdir -p "$d"
	echo "a one-file image for linux/$other" >"$_W/foreign.txt"
	ctr=$(_bah from --quiet scratch) &&
		_bah copy "$ctr" "$_W/foreign.txt" /foreign.txt &&
		_bah config --os linux --arch "$other" --created-by "layerscope test foreign $other" "$ctr" &&
		_bah commit --quiet "$ctr" localhost/ls-foreign >/dev/null &&
		_bah rm "$ctr" >/dev/null &&
		_bah manifest create localhost/ls-multi-arch >/dev/null &&
		_bah manifest add localhost/ls-multi-arch containers-storage:localhost/busybox-edits >/dev/null &&
		_bah manifest add localhost/ls-multi-arch containers-storage:localhost/ls-foreign >/dev/null &&
		_bah manifest push --quiet --all localhost/ls-multi-arch "oci:$d/oci-index:latest" || return 1
	printf 'multi-arch\toci\tmulti-arch/oci-index\n' >>"$_OUT/images.tsv"
}

# _rootfs_listing DIR OUT: every path under DIR as the kernel sees it, one TSV row each:
# JSON-quoted /path, type, mode (decimal, with set-uid/gid/sticky), uid, gid, size (regular
# files; 0 otherwise), symlink target, SHA-256 of a regular file's content. The merged view
# layerscope computes must equal it.
_rootfs_listing() {
	python3 - "$1" >"$2" <<'PY'
import hashlib, json, os, stat, sys
root = sys.argv[1]
def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
def kind(m):
    for test, name in ((stat.S_ISREG, "file"), (stat.S_ISDIR, "dir"), (stat.S_ISLNK, "symlink"),
                       (stat.S_ISCHR, "char"), (stat.S_ISBLK, "block"), (stat.S_ISFIFO, "fifo")):
        if test(m):
            return name
    return "?"
rows = []
for top, dirs, files in os.walk(root):
    for name in dirs + files:
        full = os.path.join(top, name)
        st = os.lstat(full)
        k = kind(st.st_mode)
        rows.append("\t".join([
            json.dumps("/" + os.path.relpath(full, root), ensure_ascii=False), k,
            str(stat.S_IMODE(st.st_mode)), str(st.st_uid), str(st.st_gid),
            str(st.st_size if k == "file" else 0), os.readlink(full) if k == "symlink" else "",
            digest(full) if k == "file" else ""]))
print("\n".join(sorted(rows)))
PY
}

# The merged filesystem of localhost/$1 as containers/storage unpacks it (a fresh container's
# rootfs), listed into $_OUT/$1/rootfs.tsv.
_save_rootfs_listing() {
	local name=$1 ctr mnt
	ctr=$(_bah from --quiet --pull=never "localhost/$name") && mnt=$(_bah mount "$ctr") &&
		_rootfs_listing "$mnt" "$_OUT/$name/rootfs.tsv" &&
		_bah umount "$ctr" >/dev/null && _bah rm "$ctr" >/dev/null
}

# The merged filesystem after each layer of localhost/$1: `buildah build --layers` keeps an
# image per step, so every image whose diff_ids are a prefix of the final image's is the
# state after layer (its layer count - 1); its rootfs goes to $_OUT/$1/rootfs.layerN.tsv.
_save_layer_listings() {
	local name=$1 final id ids have ctr mnt k
	final=$(_image_diff_ids "localhost/$name") || return 1
	ids=$(_bah images --all --quiet --no-trunc) || return 1
	for id in $ids; do
		have=$(_image_diff_ids "$id") || continue
		k=$(printf '%s\n' "$have" | grep -c .)
		[ "$have" = "$(printf '%s\n' "$final" | head -n "$k")" ] || continue
		[ -f "$_OUT/$name/rootfs.layer$((k - 1)).tsv" ] && continue
		ctr=$(_bah from --quiet --pull=never "$id") && mnt=$(_bah mount "$ctr") &&
			_rootfs_listing "$mnt" "$_OUT/$name/rootfs.layer$((k - 1)).tsv" &&
			_bah umount "$ctr" >/dev/null && _bah rm "$ctr" >/dev/null || return 1
	done
}
_image_diff_ids() {
	_bah inspect --type image --format '{{range .OCIv1.RootFS.DiffIDs}}{{println .}}{{end}}' "$1" |
		grep .
}

_build_dockerfile() {
	local name=$1
	_bah build --quiet --layers --pull=never --isolation chroot -t "localhost/$name" \
		-f "$REAL_IMAGES_HERE/dockerfiles/$name/Dockerfile" "$REAL_IMAGES_HERE/dockerfiles/$name" >&2
}

# The rootfs overlay2 gives a container of docker-opaque (`docker export`), without the
# files the engine itself adds to every container (/.dockerenv, /etc/hosts, ...).
_docker_rootfs_listing() { # "docker -H ..." out [image]
	local ctr x=$_W/docker-rootfs
	ctr=$($1 create --network none "${3:-localhost/ls-docker-opaque:latest}" /bin/true) || return 1
	mkdir -p "$x"
	$1 export "$ctr" | tar -C "$x" --numeric-owner -xpf - || return 1
	$1 rm "$ctr" >/dev/null
	_rootfs_listing "$x" "$2.all" || return 1
	rm -rf "$x"
	grep -vE '^"/(\.dockerenv|etc/hostname|etc/hosts|etc/resolv\.conf|etc/mtab|dev|dev/[^"]*|proc|sys)"'$'\t' \
		"$2.all" >"$2"
	rm -f "$2.all"
}

# The same after each layer: the legacy builder keeps an image per step (`docker history`).
_docker_layer_listings() { # "docker -H ..." outdir
	local id k
	for id in $($1 history -q --no-trunc localhost/ls-docker-opaque:latest | grep -v missing); do
		k=$($1 image inspect -f '{{len .RootFS.Layers}}' "$id") || return 1
		[ -f "$2/rootfs.layer$((k - 1)).tsv" ] && continue
		$1 tag "$id" localhost/ls-docker-step:latest &&
			_docker_rootfs_listing "$1" "$2/rootfs.layer$((k - 1)).tsv" localhost/ls-docker-step:latest ||
			return 1
	done
}

# Start a private dockerd, build docker-opaque on the busybox base, `docker save` it, stop.
_build_docker_image() {
	local rc=0 d=$_OUT/docker-opaque
	dockerd_start "$_W/dockerd.log" || return 1
	mkdir -p "$d"
	{
		_bah push --quiet localhost/ls-busybox \
			"docker-archive:$_W/busybox-base.tar:localhost/ls-busybox:latest" &&
			$DOCKER load -q -i "$_W/busybox-base.tar" &&
			DOCKER_BUILDKIT=0 $DOCKER build -q --network none \
				-t localhost/ls-docker-opaque:latest "$REAL_IMAGES_HERE/dockerfiles/docker-opaque" &&
			$DOCKER save -o "$d/docker-archive.tar" localhost/ls-docker-opaque:latest &&
			$DOCKER save -o "$d/docker-archive-multi.tar" \
				localhost/ls-docker-opaque:latest localhost/ls-busybox:latest &&
			_docker_rootfs_listing "$DOCKER" "$d/rootfs.tsv" &&
			_docker_layer_listings "$DOCKER" "$d"
	} >"$_W/docker-build.log" 2>&1 || {
		echo "docker build/save failed: $(tail -n3 "$_W/docker-build.log" | tr '\n' ' ')"
		rc=1
	}
	dockerd_stop
	[ $rc -eq 0 ] || return 1
	printf 'docker-opaque\tdocker-archive\tdocker-opaque/docker-archive.tar\n' >>"$_OUT/images.tsv"
	# The same image through skopeo: OCI archive (gzip) and OCI dir (zstd), same diff_ids.
	if skopeo copy --quiet "docker-archive:$d/docker-archive.tar" "oci-archive:$d/oci-archive.tar:latest" >&2 &&
		skopeo copy --quiet --dest-compress-format zstd \
			"docker-archive:$d/docker-archive.tar" "oci:$d/oci-zstd:latest" >&2; then
		printf 'docker-opaque\toci-archive\tdocker-opaque/oci-archive.tar\n' >>"$_OUT/images.tsv"
		printf 'docker-opaque\toci\tdocker-opaque/oci-zstd\n' >>"$_OUT/images.tsv"
	else
		echo "docker-opaque: skopeo could not convert the saved image to OCI" >>"$_OUT/skipped.txt"
	fi
}

# Build everything into $_OUT ($_W is scratch). Fails only when the busybox part fails:
# debootstrap (network) and dockerd are skipped with a line in skipped.txt.
_real_images_build() {
	local why debootstrap_pid
	SECONDS=0
	: >"$_OUT/images.tsv"
	: >"$_OUT/skipped.txt"
	_debootstrap &
	debootstrap_pid=$!
	_phase "busybox base and busybox-edits"
	_build_busybox_base || { echo "busybox base failed" >&2; return 1; }
	_build_dockerfile busybox-edits || { echo "busybox-edits build failed" >&2; return 1; }
	_phase "busybox-edits exports"
	_export_buildah_image busybox-edits && _save_rootfs_listing busybox-edits &&
		_save_layer_listings busybox-edits ||
		{ echo "busybox-edits export failed" >&2; return 1; }
	_build_multi_platform || { echo "multi-arch index failed" >&2; return 1; }
	_phase "docker-opaque with dockerd"
	why=$(_build_docker_image) || echo "docker-opaque: $why" >>"$_OUT/skipped.txt"
	_phase "debian base and debian-edits"
	if _build_debian_base "$debootstrap_pid"; then
		if _build_dockerfile debian-edits && _export_buildah_image debian-edits &&
			_save_rootfs_listing debian-edits; then :; else
			echo "debian-edits build or export failed" >&2
			return 1
		fi
		_build_dockerfile debian-waste && _export_buildah_image debian-waste --docker-archive-only &&
			_save_rootfs_listing debian-waste ||
			{ echo "debian-waste build or export failed" >&2; return 1; }
	else
		echo "debian-edits: debootstrap failed (no Debian mirror reachable?)" >>"$_OUT/skipped.txt"
	fi
	_phase "done"
	return 0
}

# For a test script: the images, or else a TAP failure (as root with buildah, where the build
# should have worked) or a loud skip, and the script ends.
real_images_require() {
	real_images_ensure && return 0
	if [ -n "$REAL_IMAGES_DIR" ] && [ "$(id -u)" -eq 0 ] && command -v buildah >/dev/null; then
		not_ok "real images: build"
		diag "$REAL_IMAGES_WHY"
	else
		skip "REAL IMAGE TIER SKIPPED: $REAL_IMAGES_WHY"
	fi
	done_testing
	exit
}

# Make sure the images exist (building them under the lock when needed); sets REAL_IMAGES_DIR.
real_images_ensure() {
	local key lockfd rc t
	key=$(real_images_key) || { REAL_IMAGES_WHY="cannot hash $REAL_IMAGES_HERE"; return 1; }
	# A finished cache is used as it is, by any user and without the build tools.
	if [ "${LS_IMAGE_REBUILD:-0}" != 1 ] && [ -f "$REAL_IMAGES_CACHE/$key/.done" ]; then
		REAL_IMAGES_DIR=$REAL_IMAGES_CACHE/$key
		return 0
	fi
	for t in buildah skopeo debootstrap jq zstd; do
		command -v $t >/dev/null || { real_images_install_tools; break; }
	done
	for t in buildah skopeo jq zstd; do
		command -v $t >/dev/null || { REAL_IMAGES_WHY="$t is not installed"; return 1; }
	done
	[ "$(id -u)" -eq 0 ] || { REAL_IMAGES_WHY="building images with buildah (vfs) needs root"; return 1; }
	mkdir -p "$REAL_IMAGES_CACHE" || { REAL_IMAGES_WHY="cannot create $REAL_IMAGES_CACHE"; return 1; }
	REAL_IMAGES_DIR=$REAL_IMAGES_CACHE/$key
	exec {lockfd}>"$REAL_IMAGES_CACHE/.lock"
	flock "$lockfd"
	rc=0
	if [ "${LS_IMAGE_REBUILD:-0}" = 1 ] || [ ! -f "$REAL_IMAGES_DIR/.done" ]; then
		real_images_install_tools
		rm -rf "$REAL_IMAGES_DIR" "$REAL_IMAGES_DIR.tmp"
		local start=$SECONDS
		mkdir -p "$REAL_IMAGES_DIR.tmp/work" "$REAL_IMAGES_DIR.tmp/out"
		(
			_W=$REAL_IMAGES_DIR.tmp/work _OUT=$REAL_IMAGES_DIR.tmp/out
			set -o pipefail
			_real_images_build
			rc=$?
			wait # a background debootstrap, when the busybox part failed early
			exit $rc
		) >"$REAL_IMAGES_DIR.tmp/build.log" 2>&1
		rc=$?
		# The vfs store holds a full copy of the rootfs per layer: never keep it.
		rm -rf "$REAL_IMAGES_DIR.tmp/work"
		if [ $rc -eq 0 ]; then
			mv "$REAL_IMAGES_DIR.tmp/build.log" "$REAL_IMAGES_DIR.tmp/out/"
			# `docker save -o` writes 0600 files; the cache is for every user of the machine.
			chmod -R a+rX "$REAL_IMAGES_DIR.tmp/out"
			mv "$REAL_IMAGES_DIR.tmp/out" "$REAL_IMAGES_DIR" &&
				echo "built in $((SECONDS - start)) s" >"$REAL_IMAGES_DIR/.done"
			rm -rf "$REAL_IMAGES_DIR.tmp"
			# Older keys are stale images of older Dockerfiles. Only KEY-shaped names are
			# removed: LS_IMAGE_CACHE may point at a directory holding other things.
			local old
			for old in "$REAL_IMAGES_CACHE"/*; do
				[[ ${old##*/} =~ ^[0-9a-f]{16}(\.tmp)?$ ]] && [ "${old##*/}" != "$key" ] && rm -rf "$old"
			done
		else
			REAL_IMAGES_WHY="building the images failed (log: $REAL_IMAGES_DIR.tmp/build.log): $(tail -n3 "$REAL_IMAGES_DIR.tmp/build.log" | tr '\n' ' ')"
		fi
	fi
	exec {lockfd}>&-
	return $rc
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	[ "${1:-}" = --rebuild ] && export LS_IMAGE_REBUILD=1
	if ! real_images_ensure; then
		echo "images.sh: $REAL_IMAGES_WHY" >&2
		exit 1
	fi
	echo "# $REAL_IMAGES_DIR ($(cat "$REAL_IMAGES_DIR/.done"))"
	sed 's/^/# skipped: /' "$REAL_IMAGES_DIR/skipped.txt"
	cat "$REAL_IMAGES_DIR/images.tsv"
fi
