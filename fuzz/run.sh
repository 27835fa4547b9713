#!/usr/bin/env bash
# Fuzz the parsers of untrusted input (package databases, metadata files, Go/cargo/Java
# binaries, CVSS vectors, version strings, Dockerfiles, .dockerignore, image references,
# registry auth challenges and notifications) with libFuzzer under ASan and UBSan. Usage:
# fuzz/run.sh [SECONDS] (default 60). Needs clang (Debian: clang, libclang-rt-14-dev). Crashes
# are written to fuzz/artifacts/ (git-ignored); a crash makes the script exit 1. The corpus
# starts from the test fixtures' package databases.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
build="build-fuzz"
command -v clang >/dev/null || { echo "fuzz/run.sh: clang is not installed" >&2; exit 2; }
if [ ! -f "$build/build.ninja" ]; then
  CC=clang meson setup "$build" -Dfuzz=true -Dtests=disabled -Db_sanitize=address,undefined \
    -Db_lundef=false -Dc_args='-fsanitize=fuzzer-no-link -fno-sanitize-recover=all' >/dev/null
fi
ninja -C "$build" fuzz/fuzz_parsers >/dev/null
mkdir -p fuzz/artifacts "$build/corpus"
# Seeds: one input per parser (the selector byte, then a real-looking sample).
seed() { printf "%b" "$1" >"$build/corpus/seed-$2"; cat >>"$build/corpus/seed-$2"; } # $1: the selector byte, as \\xNN
printf 'Package: a\nStatus: install ok installed\nVersion: 1.0-1\nSource: b (1.0)\n\n' | seed '\x00' dpkg
printf 'P:musl\nV:1.2.4-r2\nA:x86_64\no:musl\nL:MIT\nF:lib\nR:ld-musl-x86_64.so.1\n\n' | seed '\x01' apk
printf '{"name":"a","version":"1.0.0","license":"MIT"}' | seed '\x03' npm
printf '{"lockfileVersion":3,"packages":{"node_modules/a":{"version":"1.0.0"}}}' | seed '\x04' npmlock
printf 'Metadata-Version: 2.1\nName: requests\nVersion: 2.25.1\nLicense: Apache 2.0\n' | seed '\x05' pypi
printf 'go1.21.3\npath\texample.com/x\nmod\texample.com/x\t(devel)\t\ndep\tgolang.org/x/text\tv0.3.5\th1:x\n' | seed '\x07' gobuild
printf 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' | seed '\x0b' cvss4
printf 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' | seed '\x0b' cvss3
printf '1:2.3~rc1-4+deb12u1\0002.3-1' | seed '\x0c' deb
printf '1.2.3_alpha2-r4\0001.2.3-r4' | seed '\x1c' apk
printf 'registry.example.com:5000/team/app:v1.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' | seed '\x0f' ref
printf 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"' | seed '\x1f' challenge
printf '{"events":[{"action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","repository":"a/b","url":"http://r:5000/v2/a/b/manifests/sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef","tag":"1"}}]}' | seed '\x2f' notification
printf 'FROM debian:12 AS b\nRUN apt-get update && \\\n  apt-get install -y curl\nCOPY --chmod=755 . /app\n' | seed '\x0d' dockerfile
printf '**/*.log\n!keep.log\nnode_modules\n' | seed '\x0e' dockerignore
ASAN_OPTIONS=detect_leaks=1 "$build/fuzz/fuzz_parsers" -max_total_time="$secs" -max_len=65536 \
  -artifact_prefix=fuzz/artifacts/ -print_final_stats=1 "$build/corpus"
