#!/usr/bin/env bash
# The docker-daemon: transport against a real Docker engine started here (tests/real/dockerd.sh):
# real images (tests/real/images.sh) are `docker load`ed into it, then read back through the
# Engine API socket. The model must be the one read from the image's own archive: layers, the
# merged tree, efficiency; the same through Podman's socket. Errors: a missing image, no
# engine, a bad DOCKER_HOST.
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/real/images.sh"

real_images_require
D=$REAL_IMAGES_DIR
if [ "$(id -u)" -ne 0 ] || ! dockerd_start "$TMP/dockerd.log" >"$TMP/why"; then
	skip "DOCKER DAEMON SOURCE SKIPPED: $(cat "$TMP/why" 2>/dev/null || echo "dockerd needs root")"
	done_testing
	exit
fi
trap dockerd_stop EXIT
export DOCKER_HOST=unix://$DOCKERD_SOCK

# Strip what names where the image was read from.
without_reference() { jq -S 'del(.image.reference, .image.transport)'; }

# same_as_archive NAME TAG ARCHIVE: layers, tree and analyze agree through both transports.
same_as_archive() {
	local name=$1 ref=$2 archive=$3
	if ! $DOCKER load -q -i "$archive" >"$TMP/load" 2>&1; then
		not_ok "$name: docker load"
		sed 's/^/#   /' "$TMP/load"
		return
	fi
	"$LS" layers --json "docker-archive:$archive" | without_reference >"$TMP/a.json"
	check "$name: layers --json docker-daemon:$ref" "$LS" layers --json "docker-daemon:$ref"
	without_reference <"$TMP/out" >"$TMP/d.json"
	check_eq "$name: same layers as the archive" "$(cat "$TMP/a.json")" "$(cat "$TMP/d.json")"
	check_eq "$name: digests and diff_ids present" "$(jq '[.layers[] | select(.diffId | startswith("sha256:"))] | length' "$TMP/a.json")" \
		"$(jq '.image.layers' "$TMP/d.json")"
	"$LS" tree --json "docker-archive:$archive" >"$TMP/ta.json"
	check "$name: tree --json through the daemon" "$LS" tree --json "docker-daemon:$ref"
	check_eq "$name: same merged tree" "$(sha256sum <"$TMP/ta.json")" "$(sha256sum <"$TMP/out")"
	"$LS" analyze --json "docker-archive:$archive" | jq -S 'del(.image)' >"$TMP/ea.json"
	"$LS" analyze --json "docker-daemon:$ref" | jq -S 'del(.image)' >"$TMP/ed.json"
	check_eq "$name: same efficiency and waste" "$(cat "$TMP/ea.json")" "$(cat "$TMP/ed.json")"
}

same_as_archive docker-opaque localhost/ls-docker-opaque:latest "$D/docker-opaque/docker-archive.tar"
if [ -f "$D/debian-waste/docker-archive.tar" ]; then
	tag=$(tar -xOf "$D/debian-waste/docker-archive.tar" manifest.json | jq -r '.[0].RepoTags[0] // empty')
	if [ -n "$tag" ]; then
		same_as_archive debian-waste "$tag" "$D/debian-waste/docker-archive.tar"
	else
		not_ok "debian-waste: the archive has no tag to load it by"
	fi
else
	skip "debian-waste not built here (see skipped.txt)"
fi

# By image id too (what `docker images -q` prints).
id=$($DOCKER image inspect -f '{{.Id}}' localhost/ls-docker-opaque:latest)
check "by image id" "$LS" layers --json "docker-daemon:$id"
check_eq "by image id: same layers" \
	"$("$LS" layers --json "docker-daemon:localhost/ls-docker-opaque:latest" | jq -c .layers)" \
	"$(jq -c .layers "$TMP/out")"

# A bare name is NAME:latest, as for docker: even when the repository has other tags (the
# export must not carry them all).
other=$($DOCKER images -q --no-trunc | grep -v "$($DOCKER image inspect -f '{{.Id}}' localhost/ls-docker-opaque:latest)" | head -1)
[ -n "$other" ] && $DOCKER tag "$other" localhost/ls-docker-opaque:other
check "a bare name, another image tagged in the same repository"  "$LS" layers --json "docker-daemon:localhost/ls-docker-opaque"
check_eq "…reads NAME:latest" "$("$LS" layers --json "docker-daemon:localhost/ls-docker-opaque:latest" | jq -c .layers)" \
	"$(jq -c .layers "$TMP/out")"

# Podman's Docker-compatible socket: its `docker save` stream has its own shape (manifest
# digests of its own making), so the image's content is compared: diff_ids, sizes, files,
# commands and the merged tree.
podman_same_as_archive() {
	local pm=$TMP/podman sock pid archive=$D/docker-opaque/docker-archive.tar
	local ref=localhost/ls-docker-opaque:latest
	if ! command -v podman >/dev/null; then
		skip "PODMAN SKIPPED: podman is not installed (scripts/install-deps.sh test)"
		return
	fi
	sock=$pm/podman.sock
	local podman="podman --root $pm/root --runroot $pm/run --storage-driver vfs"
	mkdir -p "$pm"
	$podman system service --time=0 "unix://$sock" >"$pm/log" 2>&1 &
	pid=$!
	for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
	if ! $podman load -q -i "$archive" >"$pm/load" 2>&1; then
		not_ok "podman: load"
		sed 's/^/#   /' "$pm/load"
	else
		content() { jq -S '[.image.layers, .image.files, .image.sizeBytes, .image.configDigest,
			(.layers[] | [.diffId, .size, .files, .command])]'; }
		check "podman: layers --json docker-daemon:$ref" \
			env DOCKER_HOST="unix://$sock" "$LS" layers --json "docker-daemon:$ref"
		check_eq "podman: same image content as the archive" \
			"$("$LS" layers --json "docker-archive:$archive" | content)" "$(content <"$TMP/out")"
		check_eq "podman: same merged tree" "$("$LS" tree --json "docker-archive:$archive" | sha256sum)" \
			"$(DOCKER_HOST="unix://$sock" "$LS" tree --json "docker-daemon:$ref" | sha256sum)"
	fi
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -rf "$pm"
}
podman_same_as_archive

# Errors: one line, exit 2.
check_exit "missing image: exit 2" 2 "$LS" layers "docker-daemon:localhost/no-such-image:latest"
check_eq "missing image: the engine's words" 1 "$(grep -c 'No such image' "$TMP/err")"
check_exit "no engine at DOCKER_HOST: exit 2" 2 env DOCKER_HOST=unix://$TMP/nothing.sock \
	"$LS" layers "docker-daemon:localhost/ls-docker-opaque:latest"
check_eq "no engine: names the socket" 1 "$(grep -c "nothing.sock" "$TMP/err")"
check_exit "DOCKER_HOST with an unknown scheme: exit 2" 2 env DOCKER_HOST=ssh://x \
	"$LS" layers "docker-daemon:localhost/ls-docker-opaque:latest"
check_eq "unknown scheme: one line" 1 "$(wc -l <"$TMP/err")"
done_testing
