#!/usr/bin/env bash
# `layerscope scan --scanners secret`: planted secrets of each kind, in the final filesystem,
# in files a later layer deleted or overwrote, in a binary; masked output; none on clean images.
. "$SRCDIR/tests/lib.sh"
ensure_fixtures
img=$FIXTURES/secrets.tar
"$LS" scan --scanners secret --format json "$img" >"$TMP/s.json"
check_eq "exit 0 without --fail-on" 0 $?
row() { jq -c --arg r "$1" '[.secrets[] | select(.ruleId == $r) | [.path, .layer, .inFinalFilesystem, .removedInLayer]]' "$TMP/s.json"; }
check_eq "OpenSSH private key, deleted in layer 1" '[["/root/.ssh/id_ed25519",0,false,1]]' "$(row private-key)"
check_eq "AWS key id in a file overwritten in layer 1" '[["/app/config.py",0,false,1]]' "$(row aws-access-key-id)"
check_eq "AWS secret key" '[["/app/config.py",0,false,1]]' "$(row aws-secret-access-key)"
check_eq "GitHub token" '[["/app/deploy.sh",0,true,null]]' "$(row github-pat)"
check_eq "GitLab token" '[["/app/notes.txt",0,true,null]]' "$(row gitlab-pat)"
check_eq "npm token in .npmrc" '[["/home/.npmrc",0,true,null]]' "$(row npm-token)"
check_eq "GCP service account" '[["/home/sa.json",0,true,null]]' "$(row gcp-service-account)"
check_eq "Docker config.json auth" '[["/root/.docker/config.json",0,true,null]]' "$(row docker-config-auth)"
check_eq ".env password (not a \$VAR, not outside .env files)" '[["/app/.env",0,true,null]]' "$(row env-password)"
check_eq "binary files are skipped by default" '[]' "$(jq -c '[.secrets[] | select(.path == "/app/blob.bin")]' "$TMP/s.json")"
check_eq "--scan-binaries finds the token in the binary" '["/app/blob.bin"]' \
  "$("$LS" scan --scanners secret --scan-binaries --format json "$img" | jq -c '[.secrets[] | select(.ruleId == "npm-token" and .path == "/app/blob.bin") | .path]')"
check_eq "lines are reported" '2' "$(jq '.secrets[] | select(.ruleId == "aws-access-key-id") | .line' "$TMP/s.json")"
check_eq "never printed in full: 4 characters then a mask" '[]' \
  "$(jq -c '[.secrets[] | select((.match | test("^.{0,4}[*]+$")) | not)]' "$TMP/s.json")"
"$LS" scan --scanners secret "$img" >"$TMP/table" 2>&1
check "no secret appears in the table output" sh -c "! grep -q -e AKIAIOSFODNN7EXAMPLE -e hunter2 -e wJalrXUtnFEMI -e glpat-Abcdef '$TMP/table'"
check "the table says what is still in the image" grep -q 'removed in layer 1, still in the image' "$TMP/table"
check_exit "--fail-on HIGH exits 1" 1 "$LS" scan --scanners secret --fail-on HIGH "$img"
check_exit "--skip-rule" 0 "$LS" scan --scanners secret --fail-on HIGH --skip-rule private-key --skip-rule aws-access-key-id \
  --skip-rule aws-secret-access-key --skip-rule github-pat --skip-rule gitlab-pat --skip-rule npm-token \
  --skip-rule gcp-service-account --skip-rule docker-config-auth --skip-rule env-password "$img"
check_eq "no finding on a clean image" '[]' "$("$LS" scan --scanners secret --format json "$FIXTURES/basic-oci" | jq -c .secrets)"
check_exit "unknown scanner" 2 "$LS" scan --scanners nope "$img"
check_exit "bad --fail-on" 2 "$LS" scan --scanners secret --fail-on EXTREME "$img"
check_exit "a broken image is an input error" 2 "$LS" scan --scanners secret "$FIXTURES/bad-layer-digest.tar"

# ---- rules from a config file (Trivy's secret-config shape) ----
# A tiny image made here with the fixture generator's helpers: a custom token, the same token
# in a test path, under an allowed example and without its keyword, and two built-in tokens.
python3 - "$TMP" "$SRC/tests/fixtures" <<'PY' || not_ok "make the custom-rules image"
import sys
sys.path.insert(0, sys.argv[2])
import mkfixtures as m  # its OUT is sys.argv[1]: $TMP
tok = b"ACME-" + b"0123456789abcdef0123"
layer = m.make_tar([
    m.D("app"), m.F("app/settings.ini", b"[acme]\nacme_key = " + tok + b"\n"),
    m.F("app/other.txt", b"an id that looks alike, no keyword: " + tok + b"\n"),
    m.F("app/example.md", b"acme_key example: ACME-00000000000000000000 (not a real key)\n"),
    m.F("app/deploy.sh", b"#!/bin/sh\ngit clone https://ghp_" + b"A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8" + b"@github.com/x/y\n"),
    m.F("app/notes.txt", b"token: glpat-" + b"Abcdefghij0123456789" + b"\n"),
    m.D("test"), m.F("test/fake.ini", b"acme_key = " + tok + b"\n"),
])
m.oci("custom.tar", [(layer, "gzip")], ["COPY . /"])
PY
cimg=$TMP/custom.tar
cat >"$TMP/cfg.yaml" <<'YAML'
rules:
  - id: acme-key
    category: ACME
    title: ACME API key
    severity: high
    regex: (?P<secret>ACME-[0-9a-f]{20})
    keywords: [acme_key]
allow-rules:
  - id: tests
    description: test fixtures are not secrets
    path: ^test/
  - id: examples
    regex: "example: ACME-0+"
disable-rules: [github-pat]
YAML
found() { "$LS" scan --scanners secret --format json "$@" | jq -c '[.secrets[] | [.ruleId, .path]] | sort'; }
check_eq "without a config: built-ins only" '[["github-pat","/app/deploy.sh"],["gitlab-pat","/app/notes.txt"]]' "$(found "$cimg")"
sc=$(found --secret-config "$TMP/cfg.yaml" "$cimg")
check_eq "custom rule found; keyword, allow path, allow region and disable-rules honoured" \
  '[["acme-key","/app/settings.ini"],["gitlab-pat","/app/notes.txt"]]' "$sc"
check_eq "custom rule: severity, title, masked match" '["HIGH","ACME API key","ACME****************"]' \
  "$("$LS" scan --scanners secret --format json --secret-config "$TMP/cfg.yaml" "$cimg" | jq -c '[.secrets[] | select(.ruleId == "acme-key") | .severity, .title, .match]')"
"$LS" scan --scanners secret --secret-config "$TMP/cfg.yaml" "$cimg" >"$TMP/ctable" 2>&1
check "the custom secret is never printed in full" sh -c "! grep -q 0123456789abcdef '$TMP/ctable'"
sed '/- id: tests/,/path: \^test/d' "$TMP/cfg.yaml" >"$TMP/cfg-nopath.yaml"
check_eq "without the allow path the test file is reported" '["/app/settings.ini","/test/fake.ini"]' \
  "$(found --secret-config "$TMP/cfg-nopath.yaml" "$cimg" | jq -c '[.[] | select(.[0] == "acme-key") | .[1]]')"
sed '/- id: examples/,/regex: "example/d' "$TMP/cfg.yaml" >"$TMP/cfg-noregion.yaml"
check_eq "without the allow regex the example is reported" '["/app/example.md","/app/settings.ini"]' \
  "$(found --secret-config "$TMP/cfg-noregion.yaml" "$cimg" | jq -c '[.[] | select(.[0] == "acme-key") | .[1]]')"
printf 'enable-builtin-rules: [github-pat]\n' >"$TMP/enable.yaml"
check_eq "enable-builtin-rules: only those built-ins" '[["github-pat","/app/deploy.sh"]]' "$(found --secret-config "$TMP/enable.yaml" "$cimg")"
printf 'enable-builtin-rules:\n' >"$TMP/enable-null.yaml"
check_eq "enable-builtin-rules with no value leaves the built-ins on" "$(found "$cimg")" "$(found --secret-config "$TMP/enable-null.yaml" "$cimg")"
printf 'rules:\n  - id: acme-ini\n    regex: ACME-[0-9a-f]{20}\n    path: \\.ini$\n' >"$TMP/path.yaml"
check_eq "a rule's path limits it to matching files" '["/app/settings.ini","/test/fake.ini"]' \
  "$(found --secret-config "$TMP/path.yaml" "$cimg" | jq -c '[.[] | select(.[0] == "acme-ini") | .[1]]')"
# The secrets: section of ./.layerscope.yaml, the file lint reads too.
mkdir -p "$TMP/proj"
{ echo "ignored: [DL3015]"; echo "secrets:"; sed 's/^/  /' "$TMP/cfg.yaml"; } >"$TMP/proj/.layerscope.yaml"
check_eq "./.layerscope.yaml: its secrets: section is read" "$sc" "$(cd "$TMP/proj" && found "$cimg")"
check_eq "--secret-config replaces it" '[["github-pat","/app/deploy.sh"]]' \
  "$(cd "$TMP/proj" && found --secret-config "$TMP/enable.yaml" "$cimg")"
printf 'FROM debian:12-slim\nRUN apt-get install -y curl\n' >"$TMP/proj/Dockerfile"
(cd "$TMP/proj" && "$LS" lint --format json Dockerfile >"$TMP/lint.json" 2>"$TMP/lint.err")
check_eq "lint reads the same file as before (its DL3015 ignored, no error)" "0 0" \
  "$(jq '[.. | objects | select(.code? == "DL3015")] | length' "$TMP/lint.json") $(wc -l <"$TMP/lint.err")"
# A crowd of allowed matches (1,100 copies of AWS's documented example key, more than the
# 1,024 candidates a rule keeps per file) pushes out neither another rule's token after them
# nor a real key of the same rule: past the cap a match is reported, not dropped.
python3 - "$TMP" "$SRC/tests/fixtures" <<'PY' || not_ok "make the crowded image"
import sys
sys.path.insert(0, sys.argv[2])
import mkfixtures as m
crowd = b"aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n" * 1100
layer = m.make_tar([
    m.D("app"),
    m.F("app/crowd.txt", crowd + b"token: glpat-" + b"Abcdefghij0123456789" + b"\n"),
    m.F("app/crowd-aws.txt", crowd + b"aws_access_key_id = AKIA" + b"QYLPMN5HHHFPZAM2" + b"\n"),
])
m.oci("crowd.tar", [(layer, "gzip")], ["COPY . /"])
PY
printf 'allow-rules:\n  - id: aws-example\n    regex: AKIAIOSFODNN7EXAMPLE\n' >"$TMP/crowd.yaml"
check_eq "allowed crowds push out no other rule's token, nor a real key of the same rule" \
  '[["aws-access-key-id","/app/crowd-aws.txt"],["gitlab-pat","/app/crowd.txt"]]' \
  "$(found --secret-config "$TMP/crowd.yaml" "$TMP/crowd.tar")"
# Errors: exit 2 and one line saying what is wrong and where.
one_line_error() { # DESC PATTERN ARGS...
  local d=$1 pat=$2; shift 2
  "$LS" scan --scanners secret "$@" "$cimg" >"$TMP/out" 2>"$TMP/err"; local rc=$?
  if [ "$rc" = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q -- "$pat" "$TMP/err"; then ok "$d"
  else not_ok "$d (exit $rc)"; sed 's/^/#   /' "$TMP/err" | head -5; fi
}
printf 'rules:\n  - id: broken-rule\n    regex: "(unclosed"\n' >"$TMP/bad-regex.yaml"
one_line_error "a regex Vectorscan cannot compile: the rule is named" \
  "bad-regex.yaml: secret rule broken-rule: Vectorscan cannot compile" --secret-config "$TMP/bad-regex.yaml"
printf 'allow-rules:\n  - id: broken-allow\n    regex: "[z-a]"\n' >"$TMP/bad-allow.yaml"
one_line_error "so is an allow rule's" "secret allow rule broken-allow" --secret-config "$TMP/bad-allow.yaml"
printf 'rules:\n  - id: x\n   regex: [\n' >"$TMP/malformed.yaml"
one_line_error "malformed YAML" "malformed.yaml: malformed YAML at line" --secret-config "$TMP/malformed.yaml"
printf 'rules:\n  - id: no-regex\n' >"$TMP/no-regex.yaml"
one_line_error "a rule without a regex" "rules\[1\] (no-regex): a rule needs a regex" --secret-config "$TMP/no-regex.yaml"
printf 'rules: {id: x}\n' >"$TMP/not-list.yaml"
one_line_error "rules that are not a list" "rules: not a list" --secret-config "$TMP/not-list.yaml"
printf 'rules:\n  - id: x\n    regex: y\n    severity: extreme\n' >"$TMP/bad-sev.yaml"
one_line_error "an unknown severity" "unknown severity 'extreme'" --secret-config "$TMP/bad-sev.yaml"
one_line_error "a missing config file" "no-such.yaml" --secret-config "$TMP/no-such.yaml"
printf 'secrets:\n  rules: [\n' >"$TMP/proj/.layerscope.yaml"
check_exit "a malformed ./.layerscope.yaml" 2 sh -c "cd '$TMP/proj' && '$LS' scan --scanners secret '$cimg'"
check_exit "is not read with --secret-config" 0 sh -c "cd '$TMP/proj' && '$LS' scan --scanners secret --secret-config '$TMP/enable.yaml' '$cimg'"
done_testing
