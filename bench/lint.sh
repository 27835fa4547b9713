#!/usr/bin/env bash
# Lint speed: a generated 200-line Dockerfile, `layerscope lint` without ShellCheck, against the
# npm linters dockerfilelint and dockerfile-utils in the same run (installed under bench/cache).
# Target (issue 4): under 5 ms per Dockerfile.
set -euo pipefail
cd "$(dirname "$0")/.."
LS=$PWD/${LAYERSCOPE:-build/layerscope}
C=$PWD/bench/cache/lint
mkdir -p "$C"
python3 - "$C/Dockerfile" <<'P'
import sys
lines = ["# syntax=docker/dockerfile:1", "FROM debian:12-slim AS build", "ARG VERSION=1.0"]
i = 0
while len(lines) < 196:
    i += 1
    lines += ["RUN apt-get update && apt-get install -y --no-install-recommends pkg%d=1.%d \\" % (i, i),
              "    && rm -rf /var/lib/apt/lists/*",
              "ENV VAR_%d=value%d" % (i, i),
              "COPY src/file%d /opt/app/file%d" % (i, i),
              "WORKDIR /opt/app/dir%d" % i]
lines += ["FROM gcr.io/distroless/static:nonroot", "COPY --from=build /opt/app /app", "USER 65532", 'ENTRYPOINT ["/app/run"]']
open(sys.argv[1], "w").write("\n".join(lines[:200]) + "\n")
P
if [ ! -x "$C/node_modules/.bin/dockerfilelint" ]; then
  (cd "$C" && npm install --silent --no-audit --no-fund dockerfilelint dockerfile-utils >/dev/null 2>&1) ||
    echo "bench/lint.sh: npm linters could not be installed; timing layerscope alone" >&2
fi
per_run_ms() { # N command… → ms per run over N runs
  local n=$1; shift
  local t0 t1
  t0=$(date +%s%N)
  for _ in $(seq "$n"); do "$@" >/dev/null 2>&1 || true; done
  t1=$(date +%s%N)
  echo "scale=2; ($t1 - $t0) / 1000000 / $n" | bc -l
}
printf '%-36s %10s\n' "linter (200-line Dockerfile)" "ms/run"
printf '%-36s %10s\n' "layerscope lint --no-shellcheck" "$(per_run_ms 200 "$LS" lint --no-shellcheck --format json "$C/Dockerfile")"
if [ -x "$C/node_modules/.bin/dockerfilelint" ]; then
  printf '%-36s %10s\n' "dockerfilelint (npm)" "$(per_run_ms 10 "$C/node_modules/.bin/dockerfilelint" -o json "$C/Dockerfile")"
fi
if [ -f "$C/node_modules/dockerfile-utils/lib/dockerfile-utils.js" ] || [ -x "$C/node_modules/.bin/dockerfile-utils" ]; then
  printf '%-36s %10s\n' "dockerfile-utils lint (npm)" "$(per_run_ms 10 "$C/node_modules/.bin/dockerfile-utils" lint "$C/Dockerfile")"
fi
echo "whole process per run (exec, startup, parse, rules, output); target: layerscope < 5 ms"
