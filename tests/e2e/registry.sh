#!/usr/bin/env bash
# docker:// against real registries started here on loopback (docker-registry, Debian's
# distribution/distribution): the e2e fixtures pushed with skopeo read the same as from their
# archives; every image verb runs; tampered blobs, manifests and configs on the registry's
# disk, unknown tags, refused connections and plain HTTP without --tls-verify=false fail with
# exit 2; Basic auth (htpasswd) with --creds and each auth file; the Bearer token flow with a
# small token service (registry_token_server.py, JWTs the registry verifies).
. "$SRCDIR/tests/lib.sh"
ensure_fixtures

# The token service runs on Debian's python3 (python3-jwt), whatever python3 PATH finds first.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
need_tools() { command -v docker-registry && command -v skopeo && command -v jq && command -v htpasswd &&
  command -v openssl && command -v curl && "$PY" -c 'import jwt, cryptography'; } >/dev/null 2>&1
need_tools || "$SRC/scripts/install-deps.sh" test >/dev/null 2>&1
if ! need_tools; then
  skip "registry: docker-registry, skopeo, jq, htpasswd, openssl, curl or python3-jwt missing and not installable: docker:// NOT checked"
  done_testing
  exit 0
fi

. "$SRC/tests/e2e/registry_lib.sh"
registry_env

# fails DESC PATTERN CMD...: exit 2 with one line on stderr matching PATTERN
fails() {
  local d=$1 pat=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"; local rc=$?
  if [ $rc = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q -- "$pat" "$TMP/err"; then ok "$d"
  else not_ok "$d (exit $rc)"; sed 's/^/#   /' "$TMP/err" | head -3; fi
}
L() { "$LS" "$1" --tls-verify=false "${@:2}"; }

start_registry plain
R=127.0.0.1:$PORT
PLAIN_STORE=$STORE
push "docker-archive:$FIXTURES/basic-legacy.tar" "docker://$R/basic:legacy"
# (to a registry of its own: on the same one, skopeo's blob-info cache reuses the gzip blobs)
start_registry zstd
Z=127.0.0.1:$PORT
push "docker-archive:$FIXTURES/basic-legacy.tar" "docker://$Z/basic:zstd-pushed" --dest-compress-format zstd
push "oci:$FIXTURES/basic-zstd" "docker://$R/basic:zstd"
push "oci:$FIXTURES/mixed-oci" "docker://$R/nested/path/mixed:1"
push "oci:$FIXTURES/multiarch-oci:v1" "docker://$R/multi:v1" --all

# The same image from a registry and from its archive. skopeo compresses a docker-archive's
# layers when it pushes (new blob digests and sizes), so compare what does not depend on that;
# an OCI layout's blobs are pushed as they are, so everything but the reference agrees.
model() { "$LS" layers --json --tls-verify=false "$1" |
  jq -c '[.image.layers, .image.files, .image.sizeBytes, .image.configDigest, [.layers[] | [.diffId, .size, .files, .tarSize, .command]]]'; }
whole() { "$LS" layers --json --tls-verify=false "${@:2}" "$1" | jq -c 'del(.image.reference, .image.transport)'; }
want=$(model "docker-archive:$FIXTURES/basic-legacy.tar")
check_eq "docker-archive pushed (gzip): same model" "$want" "$(model "docker://$R/basic:legacy")"
# zstd needs an OCI manifest: skopeo converts, and so rewrites the config (a new digest).
check_eq "docker-archive pushed as zstd (converted to OCI): same model" "$(echo "$want" | jq -c 'del(.[3])')" \
  "$(model "docker://$Z/basic:zstd-pushed" | jq -c 'del(.[3])')"
check_eq "…and its layers are zstd" '["zstd"]' "$(L layers --json "docker://$Z/basic:zstd-pushed" | jq -c '[.layers[].compression] | unique')"
check_eq "OCI with zstd layers: identical layers --json" "$(whole "oci:$FIXTURES/basic-zstd")" "$(whole "docker://$R/basic:zstd")"
check_eq "OCI with mixed compression, nested repository: identical" "$(whole "oci:$FIXTURES/mixed-oci")" "$(whole "docker://$R/nested/path/mixed:1")"
check_eq "multi-platform index, the host's platform: identical" "$(whole "oci:$FIXTURES/multiarch-oci:v1")" "$(whole "docker://$R/multi:v1")"
check_eq "multi-platform index, --platform linux/amd64: identical" "$(whole "oci:$FIXTURES/multiarch-oci:v1" --platform linux/amd64)" "$(whole "docker://$R/multi:v1" --platform linux/amd64)"
check_eq "multi-platform index, --platform linux/arm64: identical" "$(whole "oci:$FIXTURES/multiarch-oci:v1" --platform linux/arm64)" "$(whole "docker://$R/multi:v1" --platform linux/arm64)"
fails "a missing platform lists those present" 'no image for platform linux/s390x; the image has: linux/amd64, linux/arm64/v8' L layers --platform linux/s390x "docker://$R/multi:v1"
check_eq "layers --json names the transport and the reference" "docker docker://$R/basic:zstd" \
  "$(L layers --json "docker://$R/basic:zstd" | jq -r '"\(.image.transport) \(.image.reference)"')"

# By digest: the manifest's digest, and a child manifest of the index.
mdigest=$(L layers --json "docker://$R/basic:zstd" | jq -r .image.manifestDigest)
check_eq "by digest: identical" "$(whole "docker://$R/basic:zstd")" "$(whole "docker://$R/basic@$mdigest")"
check_eq "the manifest digest is the registry's" "$mdigest" \
  "$(curl -s -I -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$R/v2/basic/manifests/zstd" | tr -d '\r' | sed -n 's/^Docker-Content-Digest: //Ip')"
arm=$(L layers --json --platform linux/arm64 "docker://$R/multi:v1" | jq -r .image.manifestDigest)
check_eq "an index's child by digest" 2 "$(L layers --json "docker://$R/multi@$arm" | jq .image.layers)"

# Every verb that takes an IMAGE.
check_eq "tree: same as the archive" "$("$LS" tree "$FIXTURES/basic-legacy.tar")" "$(L tree "docker://$R/basic:legacy")"
check_eq "tree --layer 1 --changes: same as the archive" "$("$LS" tree --layer 1 --changes "$FIXTURES/basic-legacy.tar")" "$(L tree --layer 1 --changes "docker://$R/basic:legacy")"
check_eq "analyze --json: same figures as the archive" "$("$LS" analyze --json - "$FIXTURES/basic-legacy.tar" | jq -c .image)" \
  "$(L analyze --json - "docker://$R/basic:legacy" | jq -c .image)"
check "analyze runs" L analyze "docker://$R/basic:zstd"
check_exit "ci runs (exit as for the archive)" "$("$LS" ci "$FIXTURES/basic-legacy.tar" >/dev/null 2>&1; echo $?)" L ci "docker://$R/basic:legacy"
push "oci-archive:$FIXTURES/vuln-alpine.tar" "docker://$R/alpine:1"
check_eq "sbom: same packages as the archive" "$("$LS" sbom --format json "oci-archive:$FIXTURES/vuln-alpine.tar" | jq -c .packages)" \
  "$(L sbom --format json "docker://$R/alpine:1" | jq -c .packages)"
push "oci-archive:$FIXTURES/secrets.tar" "docker://$R/secrets:1"
check_eq "scan --scanners secret: same findings as the archive" "$("$LS" scan --scanners secret --format json "oci-archive:$FIXTURES/secrets.tar" | jq -c .secrets)" \
  "$(L scan --scanners secret --format json "docker://$R/secrets:1" | jq -c .secrets)"
check_eq "--threads 1 equals --threads 3" "$(L layers --json --threads 3 "docker://$R/basic:zstd")" "$(L layers --json --threads 1 "docker://$R/basic:zstd")"

# Errors: one line, exit 2.
fails "an unknown tag" "manifest unknown: basic:nope" L layers "docker://$R/basic:nope"
fails "an unknown repository" "manifest unknown: nothing/here:latest" L layers "docker://$R/nothing/here"
fails "an unknown digest" "manifest unknown: basic@sha256:0000" L layers "docker://$R/basic@sha256:$(printf '0%.0s' {1..64})"
closed=$(free_port)
fails "connection refused" "Couldn't connect to server" L layers "docker://127.0.0.1:$closed/x:1"
fails "connection refused (verifying TLS)" "Couldn't connect to server" "$LS" layers "docker://127.0.0.1:$closed/x:1"
fails "plain HTTP without --tls-verify=false: a hint" "needs --tls-verify=false" "$LS" layers "docker://$R/basic:zstd"
fails "an unknown host" "Could not resolve host: nohost.invalid" L layers "docker://nohost.invalid:5000/x:1"
fails "a malformed reference" "not a valid repository name" L layers "docker://$R/Upper:1"
fails "a tag and a digest" "both a tag and a digest" L layers "docker://$R/basic:zstd@$mdigest"
fails "--tls-verify=maybe" "takes true or false" "$LS" layers --tls-verify=maybe "docker://$R/basic:zstd"
check "--tls-verify (true) alone is accepted" bash -c "'$LS' layers --tls-verify --tls-verify=false 'docker://$R/basic:zstd'"

# TLS with a certificate nobody trusts: refused unless --tls-verify=false.
mkdir -p "$TMP/tls"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/tls/key.pem" -out "$TMP/tls/cert.pem" \
  -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
start_registry tls "" "tls: {certificate: $TMP/tls/cert.pem, key: $TMP/tls/key.pem}"
S=127.0.0.1:$PORT
skopeo copy -q --dest-tls-verify=false "oci:$FIXTURES/basic-zstd" "docker://$S/basic:zstd" >"$TMP/push.out" 2>&1 ||
  not_ok "push over TLS"
fails "an untrusted certificate: refused, with the hint" "certificate.*needs --tls-verify=false" "$LS" layers "docker://$S/basic:zstd"
check_eq "https with --tls-verify=false: identical" "$(whole "oci:$FIXTURES/basic-zstd")" "$(whole "docker://$S/basic:zstd")"

# Tampering with the registry's disk (the image pushed only for this: its blobs are its own).
push "oci:$FIXTURES/basic-zstd" "docker://$R/tamper:1"
push "oci-archive:$FIXTURES/vuln-alpine.tar" "docker://$R/tamper:2"
j=$(L layers --json "docker://$R/tamper:2")
layer=$(echo "$j" | jq -r '.layers[0].digest')
config=$(echo "$j" | jq -r .image.configDigest)
manifest=$(echo "$j" | jq -r .image.manifestDigest)
f=$(blob_file "$PLAIN_STORE" "$layer")
cp "$f" "$TMP/layer.orig"
python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0xFF
open(p, "wb").write(b)
PY
fails "a tampered layer blob: digest mismatch" "layer 0 .*blob digest mismatch" L layers "docker://$R/tamper:2"
{ cat "$TMP/layer.orig"; echo extra; } >"$f"
fails "a layer blob longer than the manifest says" "layer 0 .*longer than the" L layers "docker://$R/tamper:2"
head -c -10 "$TMP/layer.orig" >"$f"
fails "a layer blob shorter than the manifest says" "layer 0 .*truncated or tampered" L layers "docker://$R/tamper:2"
cp "$TMP/layer.orig" "$f"
check "…and restored, it reads" L layers "docker://$R/tamper:2"
f=$(blob_file "$PLAIN_STORE" "$config")
cp "$f" "$TMP/config.orig"
sed -i 's/amd64/AMD64/' "$f"
fails "a tampered config: digest mismatch" "config $config: digest mismatch" L layers "docker://$R/tamper:2"
cp "$TMP/config.orig" "$f"
f=$(blob_file "$PLAIN_STORE" "$manifest")
cp "$f" "$TMP/manifest.orig"
sed -i 's/"schemaVersion": *2/"schemaVersion":2 /' "$f"
cmp -s "$f" "$TMP/manifest.orig" && sed -i 's/}$/} /' "$f"
fails "a tampered manifest by tag: digest mismatch with Docker-Content-Digest" "manifest tamper:2: digest mismatch" L layers "docker://$R/tamper:2"
fails "a tampered manifest by digest: digest mismatch" "manifest tamper@$manifest: digest mismatch" L layers "docker://$R/tamper@$manifest"
cp "$TMP/manifest.orig" "$f"
check "…and restored, it reads" L layers "docker://$R/tamper:2"

# What a real registry does not answer on demand: a small server that does.
start_on_free_port "$TMP/odd.log" "$PY" "$SRC/tests/e2e/registry_odd_server.py" @PORT || not_ok "the odd server starts"
PIDS+=("$SERVER_PID")
O=127.0.0.1:$SERVER_PORT
fails "a schema 1 manifest is refused" "schema 1 manifest (deprecated, unsupported)" L layers "docker://$O/schema1:1"
fails "…also when served as application/json" "schema 1 manifest (deprecated, unsupported)" L layers "docker://$O/schema1json:1"
fails "a manifest over 16 MiB is refused" "larger than 16777216 bytes" L layers "docker://$O/big:1"
fails "an unsupported authentication scheme" "unsupported authentication scheme 'Negotiate'" L layers "docker://$O/negotiate:1"
fails "a 401 without a challenge" "401 unauthorized" L layers "docker://$O/nochallenge:1"
fails "a 500 in the registry's words" "HTTP 500 UNKNOWN: boom" L layers "docker://$O/broken:1"
fails "a blob that never ends stops at the manifest's size" "longer than the 1000 bytes" timeout 20 "$LS" layers --tls-verify=false "docker://$O/endless:1"

# Basic auth (htpasswd, bcrypt).
htpasswd -Bbn alice 'pw-S3CRET' >"$TMP/htpasswd"
start_registry basic "auth: {htpasswd: {realm: layerscope-test, path: $TMP/htpasswd}}"
B=127.0.0.1:$PORT
push "oci:$FIXTURES/basic-zstd" "docker://$B/private/basic:1" --dest-creds 'alice:pw-S3CRET'
want=$(whole "oci:$FIXTURES/basic-zstd")
fails "Basic: 401 without credentials" "401 unauthorized: private/basic needs credentials" L layers "docker://$B/private/basic:1"
check_eq "Basic: --creds" "$want" "$(whole "docker://$B/private/basic:1" --creds 'alice:pw-S3CRET')"
fails "Basic: wrong --creds" "refused the credentials" L layers --creds 'alice:wrong-S3CRET' "docker://$B/private/basic:1"
check "…and the password is not printed" bash -c "! grep -q S3CRET '$TMP/err'"
auth=$(printf %s 'alice:pw-S3CRET' | base64)
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$B" "$auth" >"$TMP/config.json"
check_eq "Basic: --authfile (config.json shape)" "$want" "$(whole "docker://$B/private/basic:1" --authfile "$TMP/config.json")"
check_eq "Basic: \$REGISTRY_AUTH_FILE" "$want" "$(REGISTRY_AUTH_FILE=$TMP/config.json whole "docker://$B/private/basic:1")"
mkdir -p "$HOME/.docker" "$XDG_RUNTIME_DIR/containers"
cp "$TMP/config.json" "$HOME/.docker/config.json"
check_eq "Basic: ~/.docker/config.json" "$want" "$(whole "docker://$B/private/basic:1")"
rm "$HOME/.docker/config.json"
printf '{"auths": {"%s/private": {"auth": "%s"}}}\n' "$B" "$auth" >"$XDG_RUNTIME_DIR/containers/auth.json"
check_eq "Basic: \$XDG_RUNTIME_DIR/containers/auth.json, a namespace key" "$want" "$(whole "docker://$B/private/basic:1")"
rm "$XDG_RUNTIME_DIR/containers/auth.json"
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$B" "$(printf %s 'alice:nope-S3CRET' | base64)" >"$TMP/wrong.json"
fails "Basic: --authfile with the wrong password" "refused the credentials" L layers --authfile "$TMP/wrong.json" "docker://$B/private/basic:1"
fails "--authfile that does not exist" "auth file: $TMP/none.json" L layers --authfile "$TMP/none.json" "docker://$B/private/basic:1"
check_eq "--creds wins over --authfile" "$want" "$(whole "docker://$B/private/basic:1" --creds 'alice:pw-S3CRET' --authfile "$TMP/wrong.json")"

# Bearer tokens: the registry verifies JWTs from a token service whose certificate it trusts.
mkdir -p "$TMP/tok"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/tok/key.pem" -out "$TMP/tok/cert.pem" \
  -days 2 -subj /CN=layerscope-test-token >/dev/null 2>&1
start_on_free_port "$TMP/token.log" "$PY" "$SRC/tests/e2e/registry_token_server.py" @PORT \
  "$TMP/tok/key.pem" "$TMP/tok/cert.pem" layerscope-test-issuer 'bob:tok-S3CRET' || not_ok "token service starts"
PIDS+=("$SERVER_PID")
TPORT=$SERVER_PORT
start_registry token "auth: {token: {realm: http://127.0.0.1:$TPORT/token, service: layerscope-test, issuer: layerscope-test-issuer, rootcertbundle: $TMP/tok/cert.pem}}"
T=127.0.0.1:$PORT
push "oci:$FIXTURES/basic-zstd" "docker://$T/public/basic:1" --dest-creds 'bob:tok-S3CRET'
push "oci:$FIXTURES/basic-zstd" "docker://$T/team/basic:1" --dest-creds 'bob:tok-S3CRET'
check_eq "Bearer: anonymous token for a public repository" "$want" "$(whole "docker://$T/public/basic:1")"
check_eq "…asked for scope repository:public/basic:pull, service layerscope-test" \
  '{"service":"layerscope-test","scope":["repository:public/basic:pull"],"basic":false}' \
  "$(curl -s "http://127.0.0.1:$TPORT/log" | jq -c '.[-1]')"
fails "Bearer: a private repository without credentials" "401 unauthorized: team/basic needs credentials" L layers "docker://$T/team/basic:1"
check_eq "Bearer: --creds" "$want" "$(whole "docker://$T/team/basic:1" --creds 'bob:tok-S3CRET')"
check_eq "…the token service saw them (Basic)" true "$(curl -s "http://127.0.0.1:$TPORT/log" | jq '.[-1].basic')"
printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$T" "$(printf %s 'bob:tok-S3CRET' | base64)" >"$TMP/tok.json"
check_eq "Bearer: --authfile" "$want" "$(whole "docker://$T/team/basic:1" --authfile "$TMP/tok.json")"
fails "Bearer: the token service refuses wrong credentials" "refused the credentials" L layers --creds 'bob:bad-S3CRET' "docker://$T/team/basic:1"
check "…and the password is not printed" bash -c "! grep -q S3CRET '$TMP/err'"
check "every verb through tokens: analyze" L analyze --creds 'bob:tok-S3CRET' "docker://$T/team/basic:1"

done_testing
