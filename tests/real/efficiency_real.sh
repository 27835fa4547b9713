#!/usr/bin/env bash
# `layerscope analyze` on real images (tests/real/images.sh: buildah and dockerd builds):
# reclaimable bytes and their attribution against an independent overlay replay of the
# docker-archive tars in Python; the same figures from every transport of an image; and the
# waste the Dockerfiles make on purpose, to the byte (files of known sizes).
. "$(dirname "$0")/../lib.sh"
. "$SRC/tests/real/images.sh"

if ! real_images_ensure; then
	if [ -n "$REAL_IMAGES_DIR" ] && [ "$(id -u)" -eq 0 ] && command -v buildah >/dev/null; then
		not_ok "real images: build"
		diag "$REAL_IMAGES_WHY"
	else
		skip "REAL IMAGE TIER SKIPPED: $REAL_IMAGES_WHY"
	fi
	done_testing
	exit
fi
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

# The overlay replay: per layer in tar order, whiteouts and opaque markers hide lower
# entries, a new entry hides the one it replaces (and a non-directory everything below it).
replay() {
	python3 - "$1" <<'PY'
import json, posixpath, sys, tarfile, collections
arc = tarfile.open(sys.argv[1])
manifest = json.load(arc.extractfile("manifest.json"))[0]
def norm(n):
    return "/".join(p for p in n.split("/") if p not in ("", "."))
def parent(p):
    return p.rsplit("/", 1)[0] if "/" in p else ""
visible = {}                       # path -> (layer, size, isfile)
kids = collections.defaultdict(set)  # dir path -> child paths ever added
stored = 0
pairs = collections.Counter()
def drop(p, layer):
    l, size, isfile = visible.pop(p)
    if isfile:
        pairs[(l, layer)] += size
def hide_tree(p, layer, lower_than, include_self):
    if include_self and p in visible and (lower_than is None or visible[p][0] < lower_than):
        drop(p, layer)
    for c in list(kids.get(p, ())):
        hide_tree(c, layer, lower_than, True)
for idx, name in enumerate(manifest["Layers"]):
    member = arc.getmember(name)
    while member.issym():  # docker save stores an identical layer once, as a symlink
        member = arc.getmember(posixpath.normpath(posixpath.join(posixpath.dirname(member.name), member.linkname)))
    with tarfile.open(fileobj=arc.extractfile(member)) as t:
        for e in t:
            p = norm(e.name)
            if not p:
                continue
            base = p.rsplit("/", 1)[-1]
            if base == ".wh..wh..opq":
                hide_tree(parent(p), idx, idx, False)
            elif base.startswith(".wh..wh."):
                pass
            elif base.startswith(".wh."):
                hide_tree((parent(p) + "/" if parent(p) else "") + base[4:], idx, None, True)
            else:
                if e.isfile():
                    stored += e.size
                if not e.isdir():
                    hide_tree(p, idx, idx, False)
                if p in visible:
                    drop(p, idx)
                visible[p] = (idx, e.size if e.isfile() else 0, e.isfile())
                kids[parent(p)].add(p)
print(json.dumps([stored, sum(pairs.values()), sorted([a, b, n] for (a, b), n in pairs.items())]))
PY
}
ours_pairs() {
	"$LS" analyze --json - "$1" | python3 -c '
import json, sys, collections
l = json.load(sys.stdin)["layerscope"]
pairs = collections.Counter()
for a in l["attribution"]: pairs[(a["addedBy"]["layer"], a["removedBy"]["layer"])] += a["bytes"]
print(json.dumps([l["storedFileBytes"], l["reclaimableBytes"], sorted([a, b, n] for (a, b), n in pairs.items())]))'
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
			check_eq "$name: reclaimable bytes and (added, hidden-by) layers = overlay replay" \
				"$(replay "$D/$path")" "$(ours_pairs "$ref")"
		fi
	done <"$D/images.tsv"
done

# What the Dockerfiles make on purpose (sizes from the Dockerfiles).
attr() { # IMAGE PATH: "added removed kind size" of the stored copies of PATH
	"$LS" analyze --json - "$1" | python3 -c '
import json, sys
for r in json.load(sys.stdin)["layerscope"]["reclaimable"]:
    if r["path"] == sys.argv[1]: print(r["addedBy"], r["removedBy"], r["kind"], r["sizeBytes"])' "$2"
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
done_testing
