#!/usr/bin/env python3
"""Small synthetic images for tests/e2e/sbom.sh (no network): apk databases with odd fields,
layer-by-layer package changes, language packages, and broken package files.

Usage: sbom_fixtures.py OUTDIR   (writes OUTDIR/{apk,layers,bad}.tar)
"""
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile

OUT = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
MKIMAGE = os.path.join(HERE, "..", "real", "sbom_mkimage.py")


def write(root, path, data, mode=0o644):
    p = os.path.join(root, path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    os.chmod(p, mode)
    os.utime(p, (1700000000, 1700000000))


def snapshot(src, dst):
    shutil.copytree(src, dst, symlinks=True)


def image(name, steps):
    args = [sys.executable, MKIMAGE, os.path.join(OUT, name + ".tar")]
    for cmd, root in steps:
        args += [cmd, root]
    subprocess.check_call(args)


APK_DB = (
    "C:Q1abcdefghijklmnopqrstuvwxyz0123=\n"
    "P:musl\nV:1.2.4_git20230717-r4\nA:x86_64\nS:383152\nI:622592\n"
    "T:the musl c library (libc) implementation\nU:https://musl.libc.org/\n"
    "L:MIT\no:musl\nm:Timo Teras <timo.teras@iki.fi>\nt:1705325400\n"
    "c:4a3f0d1c2b\nF:lib\nR:ld-musl-x86_64.so.1\na:0:0:755\nZ:Q1xyz=\nR:libc.musl-x86_64.so.1\n"
    "\n"
    "P:libcrypto3\nV:3.1.4-r5\nA:x86_64\nL:Apache-2.0\no:openssl\nD:so:libc.musl-x86_64.so.1\n"
    "F:usr/lib\nR:libcrypto.so.3\nF:usr/lib/engines-3\nR:afalg.so\n"
    "\n"
    "P:py3-six\nV:1.16.0-r8\nA:noarch\nL:MIT\no:py3-six\n"
    "F:usr/lib/python3.11/site-packages/six-1.16.0.dist-info\nR:METADATA\nR:RECORD\n"
    "\n"
    "P:busybox\nV:1.36.1-r15\nA:x86_64\nL:GPL-2.0-only\n"  # no origin: source = name
    "X:an unknown key\n"
    "\n\n"
    "V:9.9\nA:x86_64\n"  # no P: warned, skipped
    "\n"
    "P:ssl_client\nV:1.36.1-r15\nA:x86_64\nL:GPL-2.0-only\no:busybox"  # no final newline
)

OS_ALPINE = 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n'


def metadata(name, version, lic=None):
    s = "Metadata-Version: 2.1\nName: %s\nVersion: %s\n" % (name, version)
    if lic:
        s += "License: %s\n" % lic
    return s + "\nLong description: with: colons\n"


def make_apk():
    r = os.path.join(OUT, "apk-root")
    write(r, "etc/os-release", OS_ALPINE)
    write(r, "etc/alpine-release", "3.19.1\n")
    write(r, "lib/apk/db/installed", APK_DB)
    write(r, "usr/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA", metadata("six", "1.16.0", "MIT"))
    write(r, "usr/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA",
          metadata("requests", "2.31.0", "Apache 2.0"))
    image("apk", [("#(nop) ADD alpine-minirootfs.tar.gz /", r)])


def make_layers():
    base = os.path.join(OUT, "l0")
    write(base, "etc/os-release", OS_ALPINE)
    write(base, "lib/apk/db/installed", "P:a\nV:1.0-r0\nA:x86_64\n\nP:b\nV:1.0-r0\nA:x86_64\n")
    write(base, "app/node_modules/left-pad/package.json", json.dumps({"name": "left-pad", "version": "1.3.0", "license": "WTFPL"}))
    write(base, "usr/lib/python3/site-packages/gone-1.0.dist-info/METADATA", metadata("gone", "1.0"))
    l1 = os.path.join(OUT, "l1")
    snapshot(base, l1)
    write(l1, "lib/apk/db/installed", "P:a\nV:1.0-r0\nA:x86_64\n\nP:b\nV:2.0-r0\nA:x86_64\n\nP:c\nV:1.0-r0\nA:x86_64\n")
    l2 = os.path.join(OUT, "l2")
    snapshot(l1, l2)
    shutil.rmtree(os.path.join(l2, "usr/lib/python3/site-packages/gone-1.0.dist-info"))
    write(l2, "app/node_modules/left-pad/package.json", json.dumps({"name": "left-pad", "version": "1.3.1"}))
    write(l2, "app/package-lock.json", json.dumps({
        "name": "app", "lockfileVersion": 3, "packages": {
            "": {"name": "app"},
            "node_modules/left-pad": {"version": "1.3.1"},
            "node_modules/not-installed": {"version": "0.0.1", "license": "MIT"},
            "node_modules/@scope/inner": {"version": "2.0.0"},
            "node_modules/linked": {"resolved": "../x", "link": True}}}))
    # a lock file that sorts before the installed tree: left-pad is installed, not repeated
    write(l2, "abc/package-lock.json", json.dumps({
        "lockfileVersion": 2, "packages": {
            "node_modules/left-pad": {"version": "1.3.1"},
            "node_modules/only-in-abc": {"version": "1.0.0"}}}))
    l3 = os.path.join(OUT, "l3")
    snapshot(l2, l3)
    # touch the apk db again without changing it: versions keep their introducing layer
    write(l3, "lib/apk/db/installed", "P:a\nV:1.0-r0\nA:x86_64\n\nP:b\nV:2.0-r0\nA:x86_64\n\nP:c\nV:1.0-r0\nA:x86_64\n\n")
    write(l3, "usr/lib/ruby/gems/3.1.0/specifications/rack-3.0.8.gemspec",
          '# -*- encoding: utf-8 -*-\nGem::Specification.new do |s|\n  s.name = "rack".freeze\n'
          '  s.version = "3.0.8"\n  s.licenses = ["MIT".freeze]\nend\n')
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("META-INF/maven/org.slf4j/slf4j-api/pom.properties",
                   "#Generated\nversion=2.0.9\ngroupId=org.slf4j\nartifactId=slf4j-api\n")
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        z.writestr("META-INF/maven/com.example/app/pom.properties",
                   "groupId=com.example\nartifactId=app\nversion=1.0.0\n")
        z.writestr("BOOT-INF/lib/slf4j-api-2.0.9.jar", inner.getvalue())
    write(l3, "opt/app.jar", outer.getvalue())
    image("layers", [("#(nop) ADD rootfs /", base), ("apk add b=2.0 c", l1),
                     ("npm install", l2), ("gem install rack", l3)])


def make_distroless():
    r = os.path.join(OUT, "distroless-root")
    write(r, "etc/os-release", 'PRETTY_NAME="Distroless"\nID=debian\nVERSION_ID="12"\n')
    write(r, "var/lib/dpkg/status.d/base",
          "Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n")
    write(r, "var/lib/dpkg/status.d/base.md5sums",
          "d41d8cd98f00b204e9800998ecf8427e  etc/debian_version\n"
          "d41d8cd98f00b204e9800998ecf8427e  usr/lib/os-release\n")
    write(r, "var/lib/dpkg/status.d/libssl3",
          "Package: libssl3\nVersion: 3.0.11-1~deb12u2\nArchitecture: amd64\nSource: openssl\n")
    write(r, "var/lib/dpkg/status.d/libssl3.md5sums", "00  usr/lib/x86_64-linux-gnu/libssl.so.3\n")
    image("distroless", [("#(nop) bazel build", r)])


def make_bad():
    r = os.path.join(OUT, "bad-root")
    write(r, "etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n")
    write(r, "var/lib/dpkg/status",
          "Package: good\nStatus: install ok installed\nVersion: 1.0\n\n"
          "Package: noversion\nStatus: install ok installed\n\n"
          "this line is not a field\n\n"
          "Package: good2\nStatus: install ok installed\nVersion: 2.0\nSource: src2 (1.9)\n")
    write(r, "var/lib/dpkg/status.d/garbage", b"\x00\x01\x02\xff binary")
    write(r, "usr/lib/python3/dist-packages/ok-1.0.dist-info/METADATA", metadata("ok", "1.0"))
    write(r, "usr/lib/python3/dist-packages/bin-1.0.dist-info/METADATA", os.urandom(64) + b"\x00")
    write(r, "usr/lib/python3/dist-packages/empty-1.0.dist-info/METADATA", "Summary: no name\n")
    write(r, "app/node_modules/broken/package.json", "{not json")
    write(r, "app/node_modules/fine/package.json", json.dumps({"name": "fine", "version": "1.0.0"}))
    write(r, "var/lib/rpm/rpmdb.sqlite", b"SQLite format 3\x00" + b"\x00" * 84 + os.urandom(300))
    # NDB: a header page whose only slot points past the end of the file
    ndb = bytearray(4096)
    ndb[0:16] = struct.pack("<IIII", 0x506d7052, 0, 1, 1)
    ndb[32:48] = struct.pack("<IIII", 0x746f6c53, 1, 100000, 4)
    write(r, "usr/lib/sysimage/rpm/Packages.db", bytes(ndb))
    # an ELF with a Go build info header whose inline length runs past the end
    elf = bytearray(b"\x7fELF\x02\x01\x01" + b"\x00" * 57) + b"\x00" * 64
    elf += b"\x00" * (1024 - len(elf) - 16) + b"\xff Go buildinf:\x08\x02" + b"\x00" * 16 + b"\xff\xff\xff\x7f" + b"go1.21"
    write(r, "usr/local/bin/trunc-go", bytes(elf), 0o755)
    write(r, "opt/broken.jar", b"PK\x03\x04 truncated zip")
    image("bad", [("COPY . /", r)])


def main():
    os.makedirs(OUT, exist_ok=True)
    make_apk()
    make_distroless()
    make_layers()
    make_bad()


if __name__ == "__main__":
    main()
