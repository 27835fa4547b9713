#!/usr/bin/env bash
# `layerscope analyze` on real images (tests/real/images.sh: buildah and dockerd builds):
# reclaimable bytes and their attribution against an independent overlay replay of the
# docker-archive tars in Python; the same figures from every transport of an image; and the
# waste the Dockerfiles make on purpose, to the byte (files of known sizes): a chmod, an
# overwrite, deletions, an opaque directory, apt lists removed later or left, duplicate content,
# a secret deleted later (with `ci --forbiddenPaths` and `scan --scanners secret`).
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/real/images.sh"

real_images_require
D=$REAL_IMAGES_DIR

# summary IMAGE: dive's figures and ours, one JSON line (the same for every transport).
summary() {
	"$LS" analyze --json - "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin); l = d["layerscope"]
print(json.dumps([d["image"]["sizeBytes"], d["image"]["inefficientBytes"], d["image"]["efficiencyScore"],
  sorted([r["count"], r["sizeBytes"], r["file"]] for r in d["image"]["fileReference"]),
  l["reclaimableBytes"], l["reclaimableByKind"], l["duplicateBytes"],
  sorted([a["addedBy"]["layer"], a["removedBy"]["layer"], a["kind"], a["bytes"], a["files"]] for a in l["attribution"])]))'
}

# cache_file KIND ARG: where the figures of KIND for ARG are kept during this run.
cache_file() { printf '%s/%s.%s.json' "$TMP" "$1" "$(printf '%s' "$2" | sha256sum | cut -c1-16)"; }
# The overlay replay of a docker-archive (tests/real/overlay_replay.py, independent of
# layerscope), cached: stored and reclaimable bytes, who added and who hid each copy and how,
# the final filesystem, its duplicate content.
replay_json() {
	local out
	out=$(cache_file replay "$1")
	[ -s "$out" ] || python3 "$SRC/tests/real/overlay_replay.py" "$1" >"$out"
	cat "$out"
}
# layerscope's JSON object for IMAGE, cached (analyze --json takes seconds on Debian images).
ours_json() {
	local out
	out=$(cache_file ours "$1")
	[ -s "$out" ] || "$LS" analyze --json - "$1" | jq -c .layerscope >"$out"
	cat "$out"
}
# stored and reclaimable bytes, [added, hidden-by, kind, bytes, files] groups: replay and ours.
replay() { replay_json "$1" | jq -c '[.stored, .reclaimable, (.groups | sort)]'; }
ours_groups() {
	ours_json "$1" | jq -c '[.storedFileBytes, .reclaimableBytes,
		([.attribution[] | [.addedBy.layer, .removedBy.layer, .kind, .bytes, .files]] | sort)]'
}

for name in $(cut -f1 "$D/images.tsv" | sort -u); do
	first=
	while IFS=$'\t' read -r n transport path; do
		[ "$n" = "$name" ] || continue
		ref=$transport:$D/$path
		s=$(summary "$ref")
		if [ -z "$first" ]; then
			first=$s
			[ -n "$s" ] && ok "$name: analyze --json ($transport)" || not_ok "$name: analyze --json ($transport)"
		else
			check_eq "$name: $transport gives the figures of the first transport" "$first" "$s"
		fi
		if [ "$transport" = docker-archive ] && [ "${path##*/}" = docker-archive.tar ]; then
			check_eq "$name: reclaimable bytes by (added, hidden-by, kind) = overlay replay" \
				"$(replay "$D/$path")" "$(ours_groups "$ref")"
		fi
	done <"$D/images.tsv"
done

# What the Dockerfiles make on purpose (sizes from the Dockerfiles).
attr() { # IMAGE PATH: "added removed kind size" of the stored copies of PATH
	ours_json "$1" | jq -r --arg p "$2" \
		'.reclaimable[] | select(.path == $p) | "\(.addedBy) \(.removedBy) \(.kind) \(.sizeBytes)"'
}
# group IMAGE ADDED REMOVED: "kind bytes files | added-by command | removed-by command"
group() {
	ours_json "$1" | jq -r --argjson a "$2" --argjson r "$3" '.attribution[]
		| select(.addedBy.layer == $a and .removedBy.layer == $r)
		| "\(.kind) \(.bytes) \(.files) | \(.addedBy.command) | \(.removedBy.command)"'
}
# advice IMAGE KIND TEXT-PREFIX: "bytes<TAB>text" of the advice of KIND whose text starts so.
advice() {
	ours_json "$1" | jq -r --arg k "$2" --arg t "$3" \
		'.advice[] | select(.kind == $k and (.text | startswith($t))) | "\(.bytes)\t\(.text)"'
}
# layer_files TAR LAYER PREFIX: "files bytes" of the regular files under PREFIX in that layer's
# tar; empty ones (apt's lock) hold no bytes and are not reclaimable files.
layer_files() {
	python3 -c '
import json, sys, tarfile
arc = tarfile.open(sys.argv[1])
name = json.load(arc.extractfile("manifest.json"))[0]["Layers"][int(sys.argv[2])]
with tarfile.open(fileobj=arc.extractfile(name)) as t:
    sizes = [e.size for e in t if e.isfile() and e.size and e.name.removeprefix("./").startswith(sys.argv[3])]
print(len(sizes), sum(sizes))' "$@"
}
# printed TEXT FILE: FILE has the (non-empty) line part TEXT.
printed() { [ -n "$1" ] && grep -qF -- "$1" "$2"; }
# replay_query TAR JQ-FILTER: a figure of the overlay replay.
replay_query() { replay_json "$1" | jq -r "$2"; }

# debian-waste (tests/real/dockerfiles/debian-waste/Dockerfile), layer by layer: 1 apt-get
# update, 2 rm -rf the lists, 3 COPY a key and a .env, 4 rm them, 5 three copies of 256 KiB,
# 6 a fourth copy, 7 apt-get update again (lists left in the final image). Expected figures
# come from the tars (sizes, the overlay replay) and the Dockerfile, never from layerscope.
check_waste_image() {
	local tar=$1 img=$2 hist1 hist2 hist3 hist4 lists files bytes want got key env
	hist1=$(replay_query "$tar" '.history[1]')
	hist2=$(replay_query "$tar" '.history[2]')
	hist3=$(replay_query "$tar" '.history[3]')
	hist4=$(replay_query "$tar" '.history[4]')
	check_eq "debian-waste: history (layers 2 and 4 as the Dockerfile says)" \
		"rm -rf /var/lib/apt/lists/* | rm -rf /root/.ssh/id_rsa /root/.env" "$hist2 | $hist4"

	# a) apt lists written by layer 1 and deleted by layer 2; lists left by layer 7.
	lists=$(replay_query "$tar" '[.visible[] | .[0] | select(startswith("/var/lib/apt/lists/")) | split("/")[-1]] | join(" ")')
	if [[ $lists == *_InRelease* && $lists == *_Packages* ]]; then
		ok "debian-waste: apt lists from a real apt-get update ($lists)"
	else
		not_ok "debian-waste: apt lists from a real apt-get update"
		diag "lists in the final image: $lists"
	fi
	read -r files bytes <<<"$(layer_files "$tar" 1 var/lib/apt/lists/)"
	check_eq "debian-waste: apt lists of layer 1 deleted by layer 2, to the byte, with both commands" \
		"deleted $bytes $files | $hist1 | $hist2" "$(group "$img" 1 2)"
	got=$(advice "$img" one-run "$files files (")
	check_eq "debian-waste: advice 'do both in one RUN' with the bytes of the lists" "$bytes" "${got%%$'\t'*}"
	case $got in
	*"added by layer 1 (\`sed -i "*") and removed by layer 2 (\`rm -rf /var/lib/apt/lists/*\`): do both in one RUN"*)
		ok "debian-waste: the advice names both layers and commands" ;;
	*) not_ok "debian-waste: the advice names both layers and commands"; diag "advice: $got" ;;
	esac
	"$LS" analyze "$img" >"$TMP/waste.txt"
	check "debian-waste: analyze prints the one-RUN advice" printed "${got#*$'\t'}" "$TMP/waste.txt"
	want=$(replay_query "$tar" '[.visible[] | select(.[0] | startswith("/var/lib/apt/lists/")) | .[2]] | add')
	got=$(advice "$img" cache "apt package lists left in the final image (/var/lib/apt/lists, ")
	check_eq "debian-waste: advice on the apt lists left by layer 7, with their bytes" "$want" "${got%%$'\t'*}"
	check "debian-waste: analyze prints the apt-lists advice" printed "${got#*$'\t'}" "$TMP/waste.txt"
	want=$(replay_query "$tar" '[.visible[] | select(.[0] | startswith("/var/cache/apt/")) | .[2]] | add')
	got=$(advice "$img" cache "apt package cache left in the final image (/var/cache/apt, ")
	check_eq "debian-waste: advice on apt's pkgcache left in the final image" "$want" "${got%%$'\t'*}"

	# b) duplicated content: /opt/dup/{a,b,c}.bin in layer 5, /srv/copy/d.bin in layer 6.
	check_eq "debian-waste: the copies are in layers 5, 5, 5 and 6" "5 5 5 6" \
		"$(replay_query "$tar" '[.visible[] | select(.[0] | test("^/(opt/dup|srv/copy)/")) | .[1]] | sort | map(tostring) | join(" ")')"
	check_eq "debian-waste: duplicate bytes and files of the final filesystem = the replay" \
		"$(replay_query "$tar" '"\(.duplicates.bytes) \(.duplicates.files)"')" \
		"$(ours_json "$img" | jq -r '"\(.duplicateBytes) \(.duplicateFiles)"')"
	check_eq "debian-waste: the 256 KiB content: 4 copies, a dedup saves 3 x 262144 bytes" \
		'[262144,4,786432,["/opt/dup/a.bin","/opt/dup/b.bin","/opt/dup/c.bin","/srv/copy/d.bin"]]' \
		"$(ours_json "$img" | jq -c '.duplicates[] | select(.paths | index("/opt/dup/a.bin")) | [.sizeBytes, .copies, .savedBytes, (.paths | sort)]')"
	check_eq "debian-waste: duplicate-content advice with the replay's bytes" \
		"$(replay_query "$tar" .duplicates.bytes)" "$(advice "$img" duplicates "" | cut -f1)"

	# c) a private key and a .env copied by layer 3 and deleted by layer 4: still stored.
	key=$(wc -c <"$SRC/tests/real/dockerfiles/debian-waste/secrets/.ssh/id_rsa")
	env=$(wc -c <"$SRC/tests/real/dockerfiles/debian-waste/secrets/.env")
	check_eq "debian-waste: the key is reclaimable (layer 3, deleted by layer 4)" "3 4 deleted $key" "$(attr "$img" /root/.ssh/id_rsa)"
	check_eq "debian-waste: the .env is reclaimable (layer 3, deleted by layer 4)" "3 4 deleted $env" "$(attr "$img" /root/.env)"
	check_eq "debian-waste: layer 3's COPY deleted by layer 4, to the byte" \
		"deleted $((key + env)) 2 | $hist3 | $hist4" "$(group "$img" 3 4)"
	got=$(advice "$img" one-run "2 files (")
	check_eq "debian-waste: advice for the copied-then-deleted secrets has their bytes" "$((key + env))" "${got%%$'\t'*}"
	case "$got" in
	*"added by layer 3 ("*"removed by layer 4 ("*"keep them out of the build context (.dockerignore)"*"RUN --mount=type=secret"*)
		ok "debian-waste: a COPY cannot join a RUN: the advice says .dockerignore or RUN --mount" ;;
	*) not_ok "debian-waste: a COPY cannot join a RUN: the advice says .dockerignore or RUN --mount"; diag "advice: $got" ;;
	esac
	check_exit "debian-waste: ci passes without forbiddenPaths" 0 \
		"$LS" ci --quiet --lowestEfficiency disabled --highestUserWastedPercent disabled "$img"
	check_exit "debian-waste: ci with forbiddenPaths **/id_rsa,**/.env exits 1" 1 \
		"$LS" ci --quiet --lowestEfficiency disabled --highestUserWastedPercent disabled \
		--forbiddenPaths '**/id_rsa,**/.env' "$img"
	cp "$TMP/out" "$TMP/ci-secrets.txt"
	check "debian-waste: ci names the layer holding each secret and the layer that deleted it" grep -qF \
		'FAIL  forbiddenPaths (2 forbidden paths: /root/.env (layer 3, deleted by layer 4, still stored), /root/.ssh/id_rsa (layer 3, deleted by layer 4, still stored))' \
		"$TMP/ci-secrets.txt"
	"$LS" ci --format json --lowestEfficiency disabled --highestUserWastedPercent disabled \
		--forbiddenPaths '**/id_rsa,**/.env' "$img" 2>/dev/null >"$TMP/ci-secrets.json"
	check_eq "debian-waste: ci --format json: each secret with its layer, command and deleter" \
		"[[\"/root/.env\",3,$(jq -Rc . <<<"$hist3"),false,4,\"deleted\"],[\"/root/.ssh/id_rsa\",3,$(jq -Rc . <<<"$hist3"),false,4,\"deleted\"]] false" \
		"$(jq -c '[.forbiddenPaths[] | [.path, .layer, .command, .visible, .hiddenBy, .hiddenHow]] | sort' "$TMP/ci-secrets.json") $(jq .pass "$TMP/ci-secrets.json")"
	"$LS" scan --scanners secret --format json "$img" >"$TMP/secrets.json"
	check_eq "debian-waste: scan --scanners secret: both secrets, in layer 3, deleted in layer 4" \
		'[["env-password","/root/.env",3,false,4],["private-key","/root/.ssh/id_rsa",3,false,4]]' \
		"$(jq -c '[.secrets[] | [.ruleId, .path, .layer, .inFinalFilesystem, .removedInLayer]] | sort' "$TMP/secrets.json")"
}

B=docker-archive:$D/busybox-edits/docker-archive.tar
if grep -q '^busybox-edits	docker-archive' "$D/images.tsv"; then
	check_eq "busybox-edits: 5 MiB of zeros rewritten by the append" "2 3 overwritten 5242880" "$(attr "$B" /data/big-zero)"
	check_eq "busybox-edits: chmod stored the file again" "2 3 metadata 5" "$(attr "$B" /data/modes/chmod-me)"
	check_eq "busybox-edits: chown stored the file again" "2 3 metadata 6" "$(attr "$B" /data/modes/chown-me)"
	check_eq "busybox-edits: a file deleted later" "2 4 deleted 6" "$(attr "$B" /data/gone/c.txt)"
	check_eq "busybox-edits: a directory deleted later" "2 4 deleted 4" "$(attr "$B" /data/gone/deep/b.txt)"
	check_eq "busybox-edits: reclaimable total" "5242921" \
		"$("$LS" analyze --json - "$B" | python3 -c 'import json,sys; print(json.load(sys.stdin)["layerscope"]["reclaimableBytes"])')"
	"$LS" analyze "$B" >"$TMP/an.txt"
	check "busybox-edits: advice for the metadata rewrite" grep -q 'use COPY --chmod and --chown' "$TMP/an.txt"
fi
O=docker-archive:$D/docker-opaque/docker-archive.tar
if grep -q '^docker-opaque	docker-archive' "$D/images.tsv"; then
	check_eq "docker-opaque: content hidden by the opaque /data" "1 2 opaque 4" "$(attr "$O" /data/sub/a)"
	check_eq "docker-opaque: the repeated COPY" "4 5 metadata 45" "$(attr "$O" /hello.txt)"
	check_eq "docker-opaque: a file deleted later" "1 3 deleted 2" "$(attr "$O" /keep/k)"
fi
E=docker-archive:$D/debian-edits/docker-archive.tar
if grep -q '^debian-edits	docker-archive' "$D/images.tsv"; then
	check_eq "debian-edits: 8 MiB kept only through a hard link made in a later layer" "4 5 deleted 8388608" "$(attr "$E" /opt/zero.bin)"
	"$LS" ci --quiet --forbiddenPaths '**/zero.bin' --highestReclaimableBytes 20MB "$E" >"$TMP/ci.txt" 2>&1
	check_eq "debian-edits: ci names the layer holding a deleted path" "1" \
		"$(grep -c 'forbiddenPaths (1 forbidden path: /opt/zero.bin (layer 4, deleted by layer 5, still stored))' "$TMP/ci.txt")"
	check "debian-edits: reclaimable rule fails over 20MB" grep -q 'FAIL  highestReclaimableBytes (too many reclaimable bytes (reclaimable-bytes=20534313 > threshold=20000000))' "$TMP/ci.txt"
fi
W=docker-archive:$D/debian-waste/docker-archive.tar
if grep -q '^debian-waste	docker-archive' "$D/images.tsv"; then
	check_waste_image "$D/debian-waste/docker-archive.tar" "$W"
else
	skip "REAL IMAGE PART SKIPPED: debian-waste ($(grep -m1 debian "$D/skipped.txt"))"
fi
done_testing
