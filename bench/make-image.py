#!/usr/bin/env python3
"""Build the benchmark image once, cached under bench/cache/.

Usage: make-image.py [--cache DIR] [--force] [--scale F]

--scale F multiplies every layer's entries and bytes (and the whiteout counts) by F: the test
suite builds a 1/200 image to check that the generator's images stay valid. Scale 1 is the
benchmark image.

Writes one synthetic image — 7 layers, 126,171 tar entries, 516 MB of file content in 611 MB
of tar (317 MB gzip, 314 MB zstd), a mix of incompressible (random) and compressible
(text-like) data, realistic directory depth and name lengths, symlinks, hard links,
whiteouts, an opaque directory and files rewritten by a later layer — in three layer
compressions (gzip via `pigz -6 -n`, zstd via `zstd -3`, plain tar), each as an OCI image
layout (cache/oci-VARIANT/) and a Docker 25+ docker-archive (cache/docker-VARIANT.tar). All
three variants share one config: the diff_ids are the same.

Deterministic: a fixed seed, fixed mtimes and owners, canonical JSON; the layer tars are
byte-identical from run to run (the compressed blobs too, for one pigz/zstd version).
The cache is keyed by this script's own SHA-256: edit the script and the image is rebuilt.
cache/image.json describes what was built (paths, blobs, entry counts, sizes) for run.sh.
"""
import argparse
import hashlib
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tarfile

SEED = 20261129
MTIME = 1735689600  # 2025-01-01T00:00:00Z
ARCH, OS = "amd64", "linux"

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER_MT = {
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
    "plain": "application/vnd.oci.image.layer.v1.tar",
}
COMPRESS = {
    # What registries typically serve: gzip -6 (pigz is the same format, multi-threaded;
    # -n leaves the name and timestamp out so the blob is reproducible) and zstd -3.
    "gzip": ["pigz", "-6", "-n", "-c"],
    "zstd": ["zstd", "-3", "-q", "-c", "--no-progress"],
}
VARIANTS = ("gzip", "zstd", "plain")
MB = 1000 * 1000

# One row per layer: the command it claims, the directories it writes under, its target
# number of tar entries, its target regular-file bytes, and the share of those bytes that
# is incompressible. Sizes are unequal but within 2x of each other, so parallel reading helps.
LAYERS = [
    dict(cmd="/bin/sh -c #(nop) ADD file:4f1c0e2b9d in / ",
         dirs=["bin", "sbin", "etc", "lib/x86_64-linux-gnu", "usr/bin", "usr/sbin",
               "usr/lib/x86_64-linux-gnu", "usr/share/doc", "usr/share/locale",
               "usr/share/zoneinfo", "var/lib/dpkg/info"],
         entries=28000, bytes=70 * MB, random=0.35),
    dict(cmd="RUN /bin/sh -c apt-get update && apt-get install -y build-essential git curl",
         dirs=["usr/lib/gcc/x86_64-linux-gnu/12", "usr/include", "usr/share/doc",
               "usr/lib/x86_64-linux-gnu", "usr/share/perl5", "var/lib/apt/lists",
               "var/cache/apt/archives"],
         entries=22000, bytes=95 * MB, random=0.45),
    dict(cmd="RUN /bin/sh -c pip install --no-cache-dir -r requirements.txt",
         dirs=["usr/local/lib/python3.12", "usr/local/lib/python3.12/site-packages",
               "usr/local/bin", "root/.cache/pip"],
         entries=24000, bytes=80 * MB, random=0.25),
    dict(cmd="RUN /bin/sh -c npm ci --omit=dev",
         dirs=["app/node_modules"], entries=34000, bytes=65 * MB, random=0.10),
    dict(cmd="COPY assets/ /app/public/ # buildkit",
         dirs=["app/public/assets", "app/public/media", "opt/models"],
         entries=4000, bytes=115 * MB, random=0.75),
    dict(cmd="RUN /bin/sh -c npm run build && rm -rf /root/.cache/pip",
         dirs=["app/dist", "app/src", "app/.next/cache"], entries=12000, bytes=70 * MB,
         random=0.30),
    dict(cmd="RUN /bin/sh -c rm -rf /var/lib/apt/lists/* /var/cache/apt/* && "
             "cp -r /tmp/etc /etc && chmod -R g+w /app",
         dirs=["etc/app", "app/config", "usr/local/share/app"], entries=3000, bytes=60 * MB,
         random=0.40),
]

SYLLABLES = ("ba be bi bo bu ca co cu da de di do fa fe fi fo ga ge go ha he hi ho ja jo "
             "ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po ra re ri "
             "ro ru sa se si so su ta te ti to tu va ve vi vo xa xe ya yo za ze zi zo str "
             "th ch sh lib util core net io json http conf test spec").split()
EXT_TEXT = [".py", ".js", ".ts", ".h", ".c", ".txt", ".md", ".json", ".yaml", ".html",
            ".css", ".conf", ".pl", ".rb", ".map", ".d.ts", ".pyi", ".po", ".xml", ""]
EXT_BIN = [".so", ".so.1", ".so.6.0.30", ".a", ".o", ".pyc", ".node", ".wasm", ""]
EXT_RANDOM = [".gz", ".png", ".jpg", ".woff2", ".zip", ".whl", ".xz", ".bin", ".onnx", ".mp4"]


class Names:
    """Realistic file and directory names: 1-6 syllables, separators, versions."""

    def __init__(self, rng):
        self.rng = rng

    def stem(self, long=False):
        r = self.rng
        n = r.choice((1, 2, 2, 3, 3, 3, 4, 5, 6)) + (r.randint(3, 8) if long else 0)
        parts = [r.choice(SYLLABLES) for _ in range(n)]
        sep = r.choice(("", "", "-", "_", "."))
        s = ""
        for i, p in enumerate(parts):
            s += (sep if i and r.random() < 0.3 else "") + p
        if r.random() < 0.08:
            s += "-%d.%d.%d" % (r.randint(0, 12), r.randint(0, 30), r.randint(0, 99))
        return s


def text_pool(rng, size):
    """Text-like bytes: code and prose from a Zipf-weighted vocabulary, with indentation."""
    names = Names(rng)
    vocab = [names.stem() for _ in range(6000)]
    vocab += ["\n", "\n    ", "\n        ", "\n\t", "(", ")", "{", "}", ";", "=", "==", ",",
              "return", "if", "else", "for", "import", "def", "const", "self", "null", "0",
              "1", "#", "//", "\"", ":", "->", "[", "]", "the", "a", "of", "to", "and"]
    weights = [1.0 / (i + 1) for i in range(6000)] + [2.0] * 35
    rng.shuffle(vocab)
    out = bytearray()
    while len(out) < size:
        out += " ".join(rng.choices(vocab, weights=weights, k=400_000)).encode()
    return bytes(out[:size])


class Content:
    """File contents: slices of the text pool, fresh random bytes, or 'binary' (a mix)."""

    def __init__(self, rng, pool_size):
        self.rng = rng
        self.pool = text_pool(rng, pool_size)

    def text(self, n):
        off = self.rng.randrange(0, len(self.pool) - n) if n < len(self.pool) else 0
        if n <= len(self.pool):
            return self.pool[off:off + n]
        return (self.pool * (n // len(self.pool) + 1))[:n]

    def random(self, n):
        return self.rng.randbytes(n)

    def binary(self, n):
        # Executables compress about 2-3x: code (random-ish), tables of text, zero padding.
        third = n // 3
        return self.rng.randbytes(third) + self.text(third) + bytes(n - 2 * third)

    def make(self, kind, n):
        return getattr(self, kind)(n)


class Layer:
    """The entries of one layer tar, keyed by path; emitted sorted by path components, as
    BuildKit and `docker save` do (every directory before its contents)."""

    def __init__(self):
        self.entries = {}  # path -> dict(type, size, kind, mode, uid, link, ...)

    def add(self, path, **e):
        self.entries[path] = e
        parent = path.rpartition("/")[0]
        while parent and parent not in self.entries:
            self.entries[parent] = dict(type="dir", mode=0o755)
            parent = parent.rpartition("/")[0]

    def ordered(self):
        return sorted(self.entries.items(), key=lambda kv: kv[0].split("/"))


def plan_tree(rng, names, spec, layer):
    """Directories under spec['dirs'] with a random but bounded depth, files spread over them."""
    dirs = []  # (path, depth)
    for d in spec["dirs"]:
        layer.add(d, type="dir", mode=0o755)
        dirs.append((d, 0))
    n_dirs = spec["entries"] // 11
    children = {}
    while len(dirs) < n_dirs:
        # The shallower of two random directories: bushy trees, 4-10 components deep.
        parent, depth = min(dirs[rng.randrange(len(dirs))], dirs[rng.randrange(len(dirs))],
                            key=lambda d: d[1])
        if depth >= 6:
            continue
        name = names.stem(long=rng.random() < 0.02)
        if name in children.setdefault(parent, set()):
            continue
        children[parent].add(name)
        path = parent + "/" + name
        layer.add(path, type="dir", mode=0o755)
        dirs.append((path, depth + 1))
    return dirs, children


def file_sizes(rng, spec, n_files):
    """Many small files (log-normal, together about half the layer's bytes) and a few big ones
    (1-24 MB) carrying the rest."""
    sigma = 1.3
    mu = math.log(0.5 * spec["bytes"] / n_files) - sigma * sigma / 2
    small = [min(int(rng.lognormvariate(mu, sigma)), 512 * 1024) for _ in range(n_files)]
    left = spec["bytes"] - sum(small)
    big = []
    while left > 0:
        s = min(left, rng.randint(1 * MB, 24 * MB))
        big.append(s)
        left -= s
    return small, big


def scaled(n, scale):
    return max(1, int(n * scale))


def plan_layer(rng, names, spec, index, history, scale):
    """All the entries of one layer: a tree of files, symlinks, hard links, and for the later
    layers whiteouts, an opaque directory and rewritten files from lower layers."""
    layer = Layer()
    dirs, children = plan_tree(rng, names, spec, layer)
    n_special = 0
    if index == 5:
        n_special = plan_deletions(rng, layer, history, scaled(400, scale), ["root/.cache/pip"],
                                   opaque=True)
    elif index == 6:
        n_special = plan_deletions(rng, layer, history, scaled(150, scale),
                                   ["var/lib/apt/lists", "var/cache/apt/archives"], opaque=False)
        n_special += plan_rewrites(rng, layer, history[0], count=scaled(300, scale))
    n_files = max(spec["entries"] - len(layer.entries) - n_special, 1)
    small, big = file_sizes(rng, spec, n_files)
    random_budget = spec["random"] * spec["bytes"]
    # The big files decide most of the incompressible share; small ones follow the mix.
    big_kinds = []
    for s in big:
        if random_budget >= s / 2:
            big_kinds.append("random")
            random_budget -= s
        else:
            big_kinds.append(rng.choice(("text", "binary")))
    sizes = [(s, "random" if rng.random() < spec["random"] * 0.5 else
              rng.choice(("text", "text", "text", "binary"))) for s in small]
    sizes += [(s, k) for s, k in zip(big, big_kinds)]
    rng.shuffle(sizes)
    for size, kind in sizes:
        parent = dirs[rng.randrange(len(dirs))][0]
        ext = {"text": EXT_TEXT, "binary": EXT_BIN, "random": EXT_RANDOM}[kind]
        while True:
            name = names.stem(long=rng.random() < 0.01) + rng.choice(ext)
            if name not in children.setdefault(parent, set()):
                break
        children[parent].add(name)
        path = parent + "/" + name
        r = rng.random()
        if r < 0.035 and size < 65536:
            layer.add(path, type="symlink", link=names.stem() + rng.choice(EXT_BIN), mode=0o777)
        elif r < 0.04:
            layer.add(path, type="hardlink-pending", mode=0o755)
        else:
            mode = 0o755 if kind == "binary" else 0o644
            uid = 1000 if parent.startswith("app") else 0
            layer.add(path, type="file", size=size, kind=kind, mode=mode, uid=uid)
    return layer


def plan_deletions(rng, layer, history, count, trees, opaque):
    """Whiteouts (.wh.NAME) for files and whole directories of lower layers; one opaque dir."""
    added = 0
    lower = [p for h in history for p, e in h.entries.items() if e["type"] != "dir"]
    lower_dirs = [p for h in history for p, e in h.entries.items()
                  if e["type"] == "dir" and p.count("/") >= 3]
    for p in rng.sample(lower, min(count, len(lower))):
        d, _, base = p.rpartition("/")
        layer.add((d + "/" if d else "") + ".wh." + base, type="file", size=0, kind="text",
                  mode=0o644)
        added += 1
    # rm -rf of whole trees: whiteout the directory itself.
    for p in trees:
        if any(p in h.entries for h in history):
            d, _, base = p.rpartition("/")
            layer.add(d + "/.wh." + base, type="file", size=0, kind="text", mode=0o644)
            added += 1
    if opaque and lower_dirs:
        d = lower_dirs[rng.randrange(len(lower_dirs))]
        layer.add(d, type="dir", mode=0o755)
        layer.add(d + "/.wh..wh..opq", type="file", size=0, kind="text", mode=0o644)
        added += 2
    return added


def plan_rewrites(rng, layer, lower, count):
    """Files of a lower layer written again with new content (config edits, chmod -R)."""
    files = [p for p, e in lower.entries.items() if e["type"] == "file"]
    picked = rng.sample(files, min(count, len(files)))
    for p in picked:
        e = lower.entries[p]
        layer.add(p, type="file", size=e["size"] + rng.randint(0, 64), kind="text",
                  mode=0o664, uid=0)
    return len(picked)


class HashingFile:
    """A write-only file that hashes what goes through it (the layer's diff_id)."""

    def __init__(self, path):
        self.f = open(path, "wb")
        self.h = hashlib.sha256()
        self.n = 0

    def write(self, b):
        self.h.update(b)
        self.n += len(b)
        return self.f.write(b)

    def tell(self):
        return self.n

    def close(self):
        self.f.close()


def write_layer_tar(rng, content, layer, path):
    """Write the layer tar; returns (diff_id, tar bytes, entries, file bytes)."""
    out = HashingFile(path)
    files = []  # regular files written so far, for hard links
    n_entries = file_bytes = 0
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as t:
        for p, e in layer.ordered():
            ti = tarfile.TarInfo(p)
            ti.mtime = MTIME
            ti.mode = e["mode"]
            ti.uid = ti.gid = e.get("uid", 0)
            ti.uname = ti.gname = "root" if ti.uid == 0 else ""
            data = None
            if e["type"] == "dir":
                ti.type = tarfile.DIRTYPE
            elif e["type"] == "symlink":
                ti.type, ti.linkname = tarfile.SYMTYPE, e["link"]
            elif e["type"] == "hardlink-pending" and files:
                ti.type, ti.linkname = tarfile.LNKTYPE, files[rng.randrange(len(files))]
            else:
                size = e.get("size", 0)
                data = content.make(e.get("kind", "text"), size)
                ti.size = size
                file_bytes += size
                if not p.rpartition("/")[2].startswith(".wh."):
                    files.append(p)  # a hard link to a whiteout marker would be nonsense
            t.addfile(ti, io.BytesIO(data) if data is not None else None)
            n_entries += 1
    out.close()
    return "sha256:" + out.h.hexdigest(), out.n, n_entries, file_bytes


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            h.update(b)
    return "sha256:" + h.hexdigest()


def canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def put_blob(layout, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(os.path.join(layout, "blobs", "sha256", digest[7:]), "wb") as f:
        f.write(data)
    return digest, len(data)


def config_json(layers):
    history = [{"created": "2025-01-01T00:00:00Z", "created_by": layers[0]["cmd"]},
               {"created": "2025-01-01T00:00:00Z", "created_by": '/bin/sh -c #(nop)  CMD ["bash"]',
                "empty_layer": True}]
    history += [{"created": "2025-01-01T00:00:00Z", "created_by": lay["cmd"],
                 "comment": "buildkit.dockerfile.v0"} for lay in layers[1:]]
    history.append({"created": "2025-01-01T00:00:00Z", "created_by": "ENV APP_ENV=production",
                    "comment": "buildkit.dockerfile.v0", "empty_layer": True})
    return {
        "architecture": ARCH, "os": OS, "created": "2025-01-01T00:00:00Z",
        "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                           "APP_ENV=production"],
                   "Cmd": ["node", "app/dist/server.js"], "WorkingDir": "/app"},
        "rootfs": {"type": "layers", "diff_ids": [lay["diff_id"] for lay in layers]},
        "history": history,
    }


def write_oci_layout(dir, variant, layers, config):
    """An OCI image layout: oci-layout, index.json, blobs (layer blobs are moved in)."""
    os.makedirs(os.path.join(dir, "blobs", "sha256"))
    with open(os.path.join(dir, "oci-layout"), "wb") as f:
        f.write(canonical({"imageLayoutVersion": "1.0.0"}))
    cfg_digest, cfg_size = put_blob(dir, canonical(config))
    descs = []
    for lay in layers:
        b = lay["blobs"][variant]
        dst = os.path.join(dir, "blobs", "sha256", b["digest"][7:])
        os.replace(b["path"], dst)
        b["path"] = dst
        descs.append({"mediaType": LAYER_MT[variant], "digest": b["digest"], "size": b["size"]})
    manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                "config": {"mediaType": OCI_CONFIG, "digest": cfg_digest, "size": cfg_size},
                "layers": descs}
    man_digest, man_size = put_blob(dir, canonical(manifest))
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX,
             "manifests": [{"mediaType": OCI_MANIFEST, "digest": man_digest, "size": man_size,
                            "platform": {"architecture": ARCH, "os": OS},
                            "annotations": {"org.opencontainers.image.ref.name": "bench"}}]}
    with open(os.path.join(dir, "index.json"), "wb") as f:
        f.write(canonical(index))
    return cfg_digest, man_digest


def write_docker_archive(path, oci_dir, variant, layers, cfg_digest):
    """A Docker 25+ `docker save` tar: the OCI layout plus manifest.json."""
    manifest = [{"Config": "blobs/sha256/" + cfg_digest[7:],
                 "RepoTags": ["layerscope-bench:" + variant],
                 "Layers": ["blobs/sha256/" + lay["blobs"][variant]["digest"][7:]
                            for lay in layers]}]
    members = ["oci-layout", "index.json"]
    members += ["blobs/sha256/" + n for n in sorted(os.listdir(os.path.join(oci_dir, "blobs",
                                                                             "sha256")))]

    def add(t, name, data=None, src=None):
        ti = tarfile.TarInfo(name)
        ti.mtime = MTIME
        ti.mode = 0o644
        if src:
            ti.size = os.path.getsize(src)
            with open(src, "rb") as f:
                t.addfile(ti, f)
        else:
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))

    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
        for d in ("blobs", "blobs/sha256"):
            ti = tarfile.TarInfo(d)
            ti.type, ti.mode, ti.mtime = tarfile.DIRTYPE, 0o755, MTIME
            t.addfile(ti)
        for m in members:
            add(t, m, src=os.path.join(oci_dir, m))
        add(t, "manifest.json", data=canonical(manifest))


def build(cache, scale):
    tmp = os.path.join(cache, "tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    rng = random.Random(SEED)
    names = Names(rng)
    content = Content(random.Random(SEED + 1), max(int(48 * 1024 * 1024 * min(scale, 1)),
                                                   4 * 1024 * 1024))
    history, layers, procs = [], [], []
    for i, spec in enumerate(LAYERS):
        if scale != 1:
            spec = dict(spec, entries=scaled(spec["entries"], scale),
                        bytes=scaled(spec["bytes"], scale))
        layer = plan_layer(rng, names, spec, i, history, scale)
        tar = os.path.join(tmp, "layer%d.tar" % i)
        diff_id, tar_bytes, n_entries, file_bytes = write_layer_tar(rng, content, layer, tar)
        print("  layer %d: %7d entries, %6.1f MB files, %6.1f MB tar" %
              (i, n_entries, file_bytes / MB, tar_bytes / MB), file=sys.stderr, flush=True)
        history.append(layer)
        lay = dict(cmd=spec["cmd"], diff_id=diff_id, tar_bytes=tar_bytes, entries=n_entries,
                   file_bytes=file_bytes,
                   blobs={"plain": dict(path=tar, digest=diff_id, size=tar_bytes)})
        layers.append(lay)
        # Compress in the background while the next layer is generated.
        for v, cmd in COMPRESS.items():
            out = "%s.%s" % (tar, v)
            with open(tar, "rb") as fin, open(out, "wb") as fout:
                procs.append((lay, v, out, subprocess.Popen(cmd, stdin=fin, stdout=fout)))
    for lay, v, out, p in procs:
        if p.wait() != 0:
            sys.exit("make-image: %s failed" % " ".join(COMPRESS[v]))
        lay["blobs"][v] = dict(path=out, digest=sha256_file(out), size=os.path.getsize(out))
    config = config_json(layers)
    meta = {"seed": SEED, "scale": scale, "layers": [], "variants": {}}
    for v in VARIANTS:
        oci = os.path.join(tmp, "oci-" + v)
        cfg_digest, man_digest = write_oci_layout(oci, v, layers, config)
        docker = os.path.join(tmp, "docker-%s.tar" % v)
        write_docker_archive(docker, oci, v, layers, cfg_digest)
        meta["variants"][v] = {
            "oci": "oci-" + v, "docker": "docker-%s.tar" % v, "manifest": man_digest,
            "compressedBytes": sum(lay["blobs"][v]["size"] for lay in layers),
            "blobs": [os.path.relpath(lay["blobs"][v]["path"], tmp) for lay in layers],
        }
    meta["config"] = cfg_digest
    meta["entries"] = sum(lay["entries"] for lay in layers)
    meta["fileBytes"] = sum(lay["file_bytes"] for lay in layers)
    meta["tarBytes"] = sum(lay["tar_bytes"] for lay in layers)
    meta["layers"] = [{k: lay[k] for k in ("cmd", "diff_id", "entries", "file_bytes",
                                           "tar_bytes")} for lay in layers]
    with open(os.path.join(tmp, "image.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")
    return tmp, meta


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--cache", default=os.path.join(here, "cache"))
    ap.add_argument("--force", action="store_true", help="rebuild even when cached")
    ap.add_argument("--scale", type=float, default=1.0, help="entries and bytes times F")
    args = ap.parse_args()
    if not 0 < args.scale <= 10:
        sys.exit("make-image: --scale must be in (0, 10]")
    with open(os.path.abspath(__file__), "rb") as f:
        key = hashlib.sha256(f.read()).hexdigest() + " scale=%g" % args.scale
    stamp = os.path.join(args.cache, "STAMP")
    if not args.force and os.path.exists(stamp) and open(stamp).read().strip() == key:
        return
    for tool in ("pigz", "zstd"):
        if not shutil.which(tool):
            sys.exit("make-image: '%s' is missing (apt-get install %s)" % (tool, tool))
    print("make-image: building the benchmark image in %s (once; a few minutes)" % args.cache,
          file=sys.stderr, flush=True)
    os.makedirs(args.cache, exist_ok=True)
    # Remove the previous build first: it is ~2.5 GB.
    for name in os.listdir(args.cache):
        p = os.path.join(args.cache, name)
        shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    tmp, meta = build(args.cache, args.scale)
    for name in os.listdir(tmp):
        os.replace(os.path.join(tmp, name), os.path.join(args.cache, name))
    os.rmdir(tmp)
    with open(stamp, "w") as f:
        f.write(key + "\n")
    print("make-image: %d layers, %d entries, %.1f MB in files, %.1f MB of tar" %
          (len(meta["layers"]), meta["entries"], meta["fileBytes"] / MB, meta["tarBytes"] / MB),
          file=sys.stderr)


if __name__ == "__main__":
    main()
