#!/usr/bin/env python3
"""An overlay replay of a docker-archive, independent of layerscope: the oracle for `analyze`.

Per layer in tar order, whiteouts and opaque markers hide lower entries, a new entry hides the
one it replaces (and a non-directory everything below it). Prints one JSON object:
  stored       regular-file bytes in all layers
  reclaimable  stored bytes no container can see
  groups       [added-by, hidden-by, kind, bytes, files] of the hidden non-empty files, sorted;
               the kind from what the hiding layer holds: at the path a whiteout (deleted) or an
               entry (metadata when it is a regular file of the same content, else overwritten);
               otherwise at the nearest directory above it a whiteout (deleted), an opaque
               marker (opaque) or a non-directory (replaced)
  visible      [path, layer, size, sha256] for every regular file of the final filesystem
               (hard-link entries are links, not files: they share the stored copy)
  duplicates   {"bytes", "files", "groups": [[size, copies, saved, [paths]]]}: regular files
               of the final filesystem with the same content, size > 0, by saved bytes
  history      the non-empty history commands, one per layer, without "/bin/sh -c "
Usage: overlay_replay.py DOCKER-ARCHIVE.tar
"""
import collections
import hashlib
import json
import posixpath
import sys
import tarfile


def norm(name):
    return "/".join(p for p in name.split("/") if p not in ("", "."))


def parent(path):
    return path.rsplit("/", 1)[0] if "/" in path else ""


def layer_member(arc, name):
    member = arc.getmember(name)
    while member.issym():  # docker save stores an identical layer once, as a symlink
        target = posixpath.join(posixpath.dirname(member.name), member.linkname)
        member = arc.getmember(posixpath.normpath(target))
    return member


def sha256_of(tar, entry):
    h = hashlib.sha256()
    with tar.extractfile(entry) as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class LayerIndex:
    """What one layer's tar holds, by path: entries (the last one wins), whiteouts, opaque dirs."""

    def __init__(self):
        self.entries = {}  # path -> (is a directory, size, sha256 or None)
        self.whiteouts = set()
        self.opaque = set()

    def kind(self, path, size, digest):
        if path in self.whiteouts:
            return "deleted"
        if path in self.entries:
            _, new_size, new_digest = self.entries[path]
            same = digest is not None and (new_size, new_digest) == (size, digest)
            return "metadata" if same else "overwritten"
        while path:
            path = parent(path)
            if path in self.whiteouts:
                return "deleted"
            if path in self.opaque:
                return "opaque"
            if path in self.entries and not self.entries[path][0]:
                return "replaced"
        return "?"


class Replay:
    def __init__(self):
        self.visible = {}  # path -> (layer, size, sha256 or None when not a regular file)
        self.kids = collections.defaultdict(set)  # dir path -> child paths ever added
        self.stored = 0
        self.pairs = collections.Counter()
        self.hidden = []  # (path, added-by, hidden-by, size, sha256) of hidden regular files
        self.layers = []  # LayerIndex per layer

    def drop(self, path, layer):
        added, size, digest = self.visible.pop(path)
        if digest is not None:
            self.pairs[(added, layer)] += size
            self.hidden.append((path, added, layer, size, digest))

    def groups(self):
        sums = collections.defaultdict(lambda: [0, 0])
        for path, added, layer, size, digest in self.hidden:
            if size:
                g = sums[(added, layer, self.layers[layer].kind(path, size, digest))]
                g[0] += size
                g[1] += 1
        return sorted([a, b, k, n, f] for (a, b, k), (n, f) in sums.items())

    def hide_tree(self, path, layer, lower_than, include_self):
        v = self.visible.get(path)
        if include_self and v and (lower_than is None or v[0] < lower_than):
            self.drop(path, layer)
        for child in list(self.kids.get(path, ())):
            self.hide_tree(child, layer, lower_than, True)

    def apply(self, idx, tar):
        index = LayerIndex()
        self.layers.append(index)
        for e in tar:
            p = norm(e.name)
            if not p:
                continue
            base = p.rsplit("/", 1)[-1]
            if base == ".wh..wh..opq":
                index.opaque.add(parent(p))
                self.hide_tree(parent(p), idx, idx, False)
            elif base.startswith(".wh..wh."):
                pass
            elif base.startswith(".wh."):
                hidden = (parent(p) + "/" if parent(p) else "") + base[4:]
                index.whiteouts.add(hidden)
                self.hide_tree(hidden, idx, None, True)
            else:
                if e.isfile():
                    self.stored += e.size
                if not e.isdir():
                    self.hide_tree(p, idx, idx, False)
                if p in self.visible:
                    self.drop(p, idx)
                self.visible[p] = (idx, e.size if e.isfile() else 0,
                                   sha256_of(tar, e) if e.isfile() else None)
                index.entries[p] = (e.isdir(), self.visible[p][1], self.visible[p][2])
                self.kids[parent(p)].add(p)


def duplicates(files):
    by_content = collections.defaultdict(list)
    for path, _, size, digest in files:
        if size > 0:
            by_content[(size, digest)].append(path)
    groups = [[size, len(paths), (len(paths) - 1) * size, sorted(paths)]
              for (size, _), paths in by_content.items() if len(paths) > 1]
    groups.sort(key=lambda g: (-g[2], g[3]))
    return {"bytes": sum(g[2] for g in groups), "files": sum(g[1] - 1 for g in groups),
            "groups": groups}


def main():
    arc = tarfile.open(sys.argv[1])
    manifest = json.load(arc.extractfile("manifest.json"))[0]
    config = json.load(arc.extractfile(manifest["Config"]))
    replay = Replay()
    for idx, name in enumerate(manifest["Layers"]):
        with tarfile.open(fileobj=arc.extractfile(layer_member(arc, name))) as tar:
            replay.apply(idx, tar)
    files = sorted(["/" + p, layer, size, digest]
                   for p, (layer, size, digest) in replay.visible.items() if digest is not None)
    history = [h.get("created_by", "").removeprefix("/bin/sh -c ")
               for h in config.get("history", []) if not h.get("empty_layer")]
    print(json.dumps({
        "stored": replay.stored,
        "reclaimable": sum(replay.pairs.values()),
        "groups": replay.groups(),
        "visible": files,
        "duplicates": duplicates(files),
        "history": history,
    }))


if __name__ == "__main__":
    main()
