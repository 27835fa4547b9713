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
done_testing
