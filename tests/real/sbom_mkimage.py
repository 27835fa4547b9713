#!/usr/bin/env python3
"""Make a docker-archive image from successive snapshots of a root filesystem.

Usage: sbom_mkimage.py OUT.tar "COMMAND 1" DIR1 ["COMMAND 2" DIR2 ...]

Layer 1 is DIR1 whole; layer i is what changed from DIR(i-1) to DIR(i): new or changed entries
(type, mode, owner, size, mtime, link target or content), and `.wh.NAME` whiteouts for what
disappeared. Digests and diff_ids are computed here (plain tar layers), so the image is valid.
"""
import hashlib
import io
import json
import os
import stat
import sys
import tarfile
import tempfile


def walk(root):
    out = {}
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for n in sorted(dirs + files):
            p = os.path.join(d, n)
            out[os.path.relpath(p, root)] = os.lstat(p)
    return out


def same(a_root, b_root, rel, a, b):
    if stat.S_IFMT(a.st_mode) != stat.S_IFMT(b.st_mode) or a.st_mode != b.st_mode:
        return False
    if (a.st_uid, a.st_gid) != (b.st_uid, b.st_gid):
        return False
    if stat.S_ISLNK(a.st_mode):
        return os.readlink(os.path.join(a_root, rel)) == os.readlink(os.path.join(b_root, rel))
    if stat.S_ISREG(a.st_mode):
        if a.st_size != b.st_size or a.st_mtime_ns != b.st_mtime_ns:
            return False
        with open(os.path.join(a_root, rel), "rb") as x, open(os.path.join(b_root, rel), "rb") as y:
            return x.read() == y.read()
    return True


def layer_tar(prev_root, root, fh):
    cur = walk(root)
    prev = walk(prev_root) if prev_root else {}
    with tarfile.open(fileobj=fh, mode="w", format=tarfile.PAX_FORMAT) as t:
        for rel in sorted(cur):
            if rel in prev and same(prev_root, root, rel, prev[rel], cur[rel]):
                continue
            st = cur[rel]
            if stat.S_ISSOCK(st.st_mode):
                continue
            ti = t.gettarinfo(os.path.join(root, rel), arcname=rel)
            if ti is None:
                continue
            ti.uname = ti.gname = ""
            if ti.isreg():
                with open(os.path.join(root, rel), "rb") as f:
                    t.addfile(ti, f)
            else:
                t.addfile(ti)
        gone = sorted(r for r in prev if r not in cur)
        for rel in gone:
            parent = os.path.dirname(rel)
            if parent and parent in prev and parent not in cur:
                continue  # the parent's whiteout covers it
            d, n = os.path.split(rel)
            ti = tarfile.TarInfo(os.path.join(d, ".wh." + n))
            t.addfile(ti, io.BytesIO(b""))


def main():
    out, args = sys.argv[1], sys.argv[2:]
    steps = list(zip(args[0::2], args[1::2]))
    work = tempfile.mkdtemp(dir=os.path.dirname(os.path.abspath(out)))
    layers, diff_ids, history = [], [], []
    prev = None
    for i, (cmd, root) in enumerate(steps):
        path = os.path.join(work, "layer%d.tar" % i)
        with open(path, "wb") as fh:
            layer_tar(prev, root, fh)
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        diff_ids.append("sha256:" + h.hexdigest())
        layers.append(path)
        history.append({"created": "2024-01-01T00:00:00Z", "created_by": "/bin/sh -c " + cmd})
        prev = root
    config = json.dumps({
        "architecture": "amd64", "os": "linux",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": history,
    }, sort_keys=True).encode()
    cid = hashlib.sha256(config).hexdigest()
    with tarfile.open(out + ".tmp", "w", format=tarfile.PAX_FORMAT) as t:
        def add_bytes(name, data):
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
        names = []
        for i, path in enumerate(layers):
            name = "%s/layer.tar" % diff_ids[i][7:]
            t.add(path, arcname=name)
            names.append(name)
        add_bytes(cid + ".json", config)
        add_bytes("manifest.json", json.dumps(
            [{"Config": cid + ".json", "RepoTags": ["layerscope/sbom-test:latest"],
              "Layers": names}]).encode())
    os.rename(out + ".tmp", out)
    for p in layers:
        os.unlink(p)
    os.rmdir(work)


if __name__ == "__main__":
    main()
