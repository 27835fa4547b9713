#!/bin/bash
# layerscope's own lint rules (LS1001-LS1008), the RUN-script analysis behind the DL rules
# (quoting, chains, ONBUILD, SHELL, pipefail) and the ShellCheck integration, through
# `layerscope lint --format json`.
. "$SRCDIR/tests/lib.sh"
# No user configuration (~/.config/hadolint.yaml, ~/.shellcheckrc) may change the results.
export HOME=$TMP XDG_CONFIG_HOME=$TMP
unset "${!HADOLINT_@}" "${!LAYERSCOPE_@}"

# codes FILE [OPTIONS...]: the finding codes, one "line:code" per line, sorted.
codes() {
  local f=$1; shift
  (cd "$(dirname "$f")" && "$LS" lint --format json --no-fail "$@" "$(basename "$f")") |
    python3 -c 'import json,sys; print("\n".join(sorted("%d:%s" % (x["line"], x["code"]) for x in json.load(sys.stdin))))'
}
has() { grep -qx "$2" <<<"$1"; }
# fires DESC LINE:CODE FILE [OPTIONS]: the finding is reported; lacks DESC REGEX FILE: no
# "line:code" matches REGEX.
fires() { local out; out=$(codes "$3" "${@:4}"); if has "$out" "$2"; then ok "$1"; else not_ok "$1"; diag "got: $(tr '\n' ' ' <<<"$out")"; fi; }
lacks() { local out; out=$(codes "$3" "${@:4}"); if ! grep -q "$2" <<<"$out"; then ok "$1"; else not_ok "$1"; diag "got: $(tr '\n' ' ' <<<"$out")"; fi; }

P=$TMP/proj
mkdir -p "$P/.git" "$P/node_modules"
touch "$P/.env" "$P/server.pem" "$P/package.json"
cat >"$P/Dockerfile" <<'EOF'
FROM node:20 AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build

FROM node:latest
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gcc=4 libssl-dev=1 \
 && pip install --no-cache-dir flask==1
COPY --from=build /app/dist ./dist
RUN npm install --omit=dev && npm cache clean --force
USER root
CMD ["node", "dist/index.js"]
EOF
D=$P/Dockerfile
fires "LS1001 large final base (node:latest)" 6:LS1001 "$D"
fires "LS1002 compilers / -dev packages in the final stage" 8:LS1002 "$D"
fires "LS1003 COPY . . before npm ci" 3:LS1003 "$D"
fires "LS1004 apt lists left in the layer" 8:LS1004 "$D"
lacks "LS1004 not for a RUN that cleans its npm cache" "^11:LS1004" "$D"
lacks "LS1002 not for npm install --omit=dev" "^11:LS1002" "$D"
fires "LS1005 no .dockerignore" 1:LS1005 "$D"
fires "LS1007 latest base" 6:LS1007 "$D"
lacks "LS1007 not for a version tag" "^1:LS1007" "$D"
fires "LS1008 last USER root in the final stage" 12:LS1008 "$D"

printf 'node_modules\n' >"$P/.dockerignore"
fires "LS1006 .dockerignore lets .git, .env and keys in" 1:LS1006 "$D"
lacks "LS1005 not once .dockerignore exists" ":LS1005" "$D"
printf '.git\n.env\n*.pem\nnode_modules\n' >"$P/.dockerignore"
lacks "LS1006 quiet when .git, .env, keys and node_modules are excluded" ":LS1006" "$D"
printf '.git\n.env\n*.pem\n' >"$P/Dockerfile.dockerignore"
fires "LS1006 prefers <Dockerfile>.dockerignore (it lets node_modules in)" 1:LS1006 "$D"
rm "$P/Dockerfile.dockerignore"
mkdir -p "$TMP/ctx"
fires "LS1005 follows --context" 1:LS1005 "$D" --context "$TMP/ctx"

G=$TMP/good/Dockerfile
mkdir -p "$TMP/good"
printf '.git\n.env\n' >"$TMP/good/.dockerignore"
cat >"$G" <<'EOF'
FROM golang:1.22 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /app .

FROM gcr.io/distroless/static:nonroot
COPY --from=build /app /app
ENTRYPOINT ["/app"]
EOF
lacks "a good multi-stage Dockerfile has no LS finding" ":LS" "$G"

# RUN-script analysis behind the DL rules
R=$TMP/run/Dockerfile
mkdir -p "$TMP/run"
cat >"$R" <<'EOF'
FROM debian:12
RUN set -euo pipefail && curl -fsSL https://x | tar xz
RUN echo "apt-get install foo" && echo 'sudo x'
RUN wget -qO- https://x | sh
ONBUILD RUN apt-get install -y curl
SHELL ["pwsh", "-c"]
RUN Get-Item x | Select-Object Name; cd x
EOF
lacks "DL4006 quiet after set -euo pipefail in the same RUN" "^2:DL4006" "$R"
fires "DL4006 on a pipe without pipefail" 4:DL4006 "$R"
lacks "quoted text is not a command (DL3004, DL3014)" "^3:DL30" "$R"
fires "ONBUILD RUN is analysed (DL3008)" 5:DL3008 "$R"
lacks "non-POSIX SHELL disables shell analysis" "^7:DL" "$R"

# levels and messages are hadolint's
lv=$(cd "$TMP/run" && "$LS" lint --format json --no-fail Dockerfile --no-shellcheck |
  python3 -c 'import json,sys; print(" ".join(sorted("%s=%s" % (x["code"], x["level"]) for x in json.load(sys.stdin) if x["code"] in ("DL3008", "DL3015", "DL4006"))))')
check_eq "hadolint severities" "DL3008=warning DL3015=info DL4006=warning" "$lv"
msg=$(cd "$TMP/run" && "$LS" lint --format json --no-fail Dockerfile --no-shellcheck |
  python3 -c 'import json,sys; print([x["message"] for x in json.load(sys.stdin) if x["code"] == "DL3008"][0])')
check_eq "hadolint message (DL3008)" 'Pin versions in apt get install. Instead of `apt-get install <package>` use `apt-get install <package>=<version>`' "$msg"

# heredoc RUNs: the body is the script when a shell reads it, not when another program does
H=$TMP/heredoc/Dockerfile
mkdir -p "$TMP/heredoc"
cat >"$H" <<'EOF'
FROM debian:12
RUN <<EOT
sudo true
EOT
WORKDIR /
RUN <<EOT bash
cd /tmp
EOT
WORKDIR /
RUN python3 <<EOT
import os; os.system("sudo cd /x")
EOT
EOF
fires "RUN <<EOF: the body is analysed" 2:DL3004 "$H"
fires "RUN <<EOF bash: the body is analysed" 6:DL3003 "$H"
lacks "RUN python3 <<EOF: the body is not shell" "^10:DL300" "$H"

# ShellCheck integration
if ! command -v shellcheck >/dev/null 2>&1; then
  apt-get install -y -qq shellcheck >/dev/null 2>&1 || true
fi
S=$TMP/sc/Dockerfile
mkdir -p "$TMP/sc"
cat >"$S" <<'EOF'
FROM debian:12
ARG version
RUN echo "$version" && echo $undefined_var
RUN echo "$HTTP_PROXY"
EOF
if command -v shellcheck >/dev/null 2>&1; then
  out=$(codes "$S")
  if grep -q '^3:SC2154' <<<"$out"; then ok "ShellCheck findings reported at the RUN line"; else not_ok "ShellCheck findings reported at the RUN line"; diag "got: $(tr '\n' ' ' <<<"$out")"; fi
  n=$(grep -c '^3:SC2154' <<<"$out")
  check_eq "ARG variables are not reported as unassigned" 1 "$n"
  lacks "default proxy variables are known" "^4:SC" "$S"
  lacks "--no-shellcheck turns it off" ":SC" "$S" --no-shellcheck
else
  skip "ShellCheck: the shellcheck program is not installed and could not be"
fi
lacks_out=$(cd "$TMP/sc" && PATH=/nonexistent "$LS" lint --format json --no-fail Dockerfile 2>&1)
if grep -q '"SC' <<<"$lacks_out"; then not_ok "no shellcheck on PATH: SC findings skipped quietly"; else ok "no shellcheck on PATH: SC findings skipped quietly"; fi
done_testing
