#!/usr/bin/env bash
# layerscope context --list against the real docker CLI: a fake daemon on a private unix socket
# (tests/real/fakedockerd.py) receives the build context tar that `docker build` sends, for a
# tree and many random .dockerignore files, and the files in that tar must be exactly the files
# layerscope lists. The CLI's classic builder sends the context itself (BuildKit needs buildx
# and a daemon); it shares .dockerignore reading and matching with BuildKit but differs in
# three ways that the comparison avoids: it re-adds an excluded Dockerfile/.dockerignore, it
# omits directories, and it skips excluded directories even when a wildcard exception could
# re-include something below (so exceptions here are literal paths).
. "$(dirname "$0")/../lib.sh"

if ! command -v docker >/dev/null; then
  skip "docker CLI not installed (Debian package docker.io): real-client comparison skipped"
  done_testing
  exit 0
fi

# Docker before 23.0 matched with the old single-parent Matches (docker/buildx#850); current
# Docker and BuildKit match as layerscope does, so an older client cannot be the reference.
DOCKER_VERSION=$(docker version --format '{{.Client.Version}}' 2>/dev/null)
if [ "${DOCKER_VERSION%%.*}" -lt 23 ] 2>/dev/null || [ -z "$DOCKER_VERSION" ]; then
  skip "docker CLI ${DOCKER_VERSION:-of unknown version} predates 23.0 (old .dockerignore matching): real-client comparison skipped"
  done_testing
  exit 0
fi

SOCK=$TMP/docker.sock
python3 "$SRC/tests/real/fakedockerd.py" "$SOCK" "$TMP/sent.tar" &
FAKE_PID=$!
trap 'kill $FAKE_PID 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done

C=$TMP/ctx
mkdir -p "$C"
(cd "$C" && for f in app.js README.md a1.txt a2.txt b1.txt 'x*y' main.log src/app/main.c \
    src/app/gen/out.c src/app/gen/keep.c src/lib/gen/x.c src/lib/util.c build/out.bin \
    build/keep.txt build/sub/o.tmp docs/README.md docs/guide.md docs/img/p.png \
    node_modules/pkg/index.js node_modules/pkg/keep.js node_modules/other/i.js \
    logs/important.log logs/app.log logs/old/x.log cache/c.bin deep/a/cache/c2 deep/secret1 \
    deep/secretX/f t.tmp deep/a/b.tmp 'sp ace/f.txt' Dockerfile; do
  mkdir -p "$(dirname "$f")"; echo "$f" >"$f"; done)
echo 'FROM scratch' >"$C/Dockerfile"

excludes=('*.log' build '**/*.tmp' 'src/*/gen' 'docs/*' 'a[0-9].txt' '**/cache' node_modules
  '*/secret?' 'logs/**' 'x\*y' '*' '[^a]*.md' 'sp ace' '/cache' './deep/a' 'src/**/*.c' '?1.txt'
  '**' 'deep/*/' 'docs/[gi]*')
exceptions=('!build/keep.txt' '!docs/README.md' '!node_modules/pkg/keep.js' '!logs/important.log'
  '!src/app/gen/keep.c' '!a1.txt' '!build/**' '!docs/*' '!src/lib' '!deep/a/cache/c2' '!x*y'
  '!README.md')

files_only() { grep -v '/$' | grep -vxE 'Dockerfile|\.dockerignore' | LC_ALL=C sort; }

RANDOM=4242
rounds=150 agree=0
for round in $(seq $rounds); do
  : >"$C/.dockerignore"
  n=$((2 + RANDOM % 4))
  for _ in $(seq $n); do
    if [ $((RANDOM % 3)) = 0 ]; then p=${exceptions[RANDOM % ${#exceptions[@]}]}
    else p=${excludes[RANDOM % ${#excludes[@]}]}; fi
    printf '%s\n' "$p" >>"$C/.dockerignore"
  done
  rm -f "$TMP/sent.tar"
  if ! (cd "$C" && DOCKER_HOST=unix://$SOCK DOCKER_BUILDKIT=0 timeout 60 docker build -q . \
        >/dev/null 2>"$TMP/docker.err") || [ ! -f "$TMP/sent.tar" ]; then
    not_ok "round $round: docker build did not send a context: $(head -c 300 "$TMP/docker.err")"
    continue
  fi
  tar tf "$TMP/sent.tar" | files_only >"$TMP/docker.list"
  if ! "$LS" context --list "$C" >"$TMP/ls.raw" 2>"$TMP/ls.err"; then
    not_ok "round $round: layerscope failed: $(head -c 300 "$TMP/ls.err")"
    continue
  fi
  files_only <"$TMP/ls.raw" >"$TMP/ls.list"
  if cmp -s "$TMP/docker.list" "$TMP/ls.list"; then
    agree=$((agree + 1))
    ok "round $round: same files as docker ($(wc -l <"$TMP/ls.list") sent; $(paste -sd' ' "$C/.dockerignore"))"
  else
    not_ok "round $round: files differ from docker's context for: $(paste -sd' ' "$C/.dockerignore")"
    diff "$TMP/docker.list" "$TMP/ls.list" | sed 's/^/#   /' | head -20
  fi
done
diag "$agree/$rounds cases pass (docker CLI $DOCKER_VERSION)"
done_testing
