#!/usr/bin/env bash
# layerscope context: what the Docker client sends for small tricky trees, compared with
# expectations worked out by hand from BuildKit's rules (the docker CLI and BuildKit are not
# runnable here); <Dockerfile>.dockerignore precedence; secrets found but never printed in
# full; COPY/ADD sources that .dockerignore excludes; exit codes; and the pruning of a
# 200,000-file node_modules, counted through --stats (no timing).
. "$(dirname "$0")/../lib.sh"

mk() { for f in "$@"; do mkdir -p "$(dirname "$f")"; echo "content of $f" >"$f"; done; }

# --- 1. exceptions under excluded directories, '**', '/x' and './x', comments -------------
C=$TMP/tricky
mkdir -p "$C" && cd "$C" || exit 1
mk app.js important.log debug.log sub/x.log sub/y.txt node_modules/a/index.js \
   node_modules/keep/k.js node_modules/keep/deep/k2.js build/out docs/README.md docs/guide.md \
   docs/img/p.png secret.txt tmp/t Dockerfile
mkdir -p empty
cat >.dockerignore <<'EOF'
# comment line
node_modules
!node_modules/keep/**
**/*.log
!important.log
build/
docs/*
!docs/README.md
/secret.txt
./tmp
EOF
cd - >/dev/null || exit 1
expected=".dockerignore
Dockerfile
app.js
docs/
docs/README.md
empty/
important.log
node_modules/
node_modules/keep/
node_modules/keep/deep/
node_modules/keep/deep/k2.js
node_modules/keep/k.js
sub/
sub/y.txt"
check_exit "--list exits 0" 0 "$LS" context --list "$C"
check_eq "--list: exceptions, '**', leading / and ./, parent dirs sent lazily" "$expected" "$(cat "$TMP/out")"
cp "$TMP/out" "$TMP/list1"
check_exit "--list is sorted (C collation)" 0 bash -c "LC_ALL=C sort -c '$TMP/list1'"

# The same answers through --check (paths need not exist).
"$LS" context --ignore-file "$C/.dockerignore" --check node_modules/keep/new.js \
  node_modules/other docs docs/img/x.png important.log x/y/z.log nothere >"$TMP/check"
check_eq "--check prints PATH<TAB>excluded|included" \
  "$(printf 'node_modules/keep/new.js\tincluded\nnode_modules/other\texcluded\ndocs\tincluded\ndocs/img/x.png\texcluded\nimportant.log\tincluded\nx/y/z.log\texcluded\nnothere\tincluded')" \
  "$(cat "$TMP/check")"

# --- 2. a wildcard exception makes the walk enter excluded directories -------------------
W=$TMP/wild
mkdir -p "$W"
(cd "$W" && mk node_modules/deep/er/keep.txt node_modules/deep/x.js node_modules/y.js top.txt &&
  printf 'node_modules\n!**/keep.txt\n' >.dockerignore)
check_exit "wildcard exception: exit 0" 0 "$LS" context --list "$W"
check_eq "wildcard exception re-includes deep files, their parents only" \
  "$(printf '.dockerignore\nnode_modules/\nnode_modules/deep/\nnode_modules/deep/er/\nnode_modules/deep/er/keep.txt\ntop.txt')" \
  "$(cat "$TMP/out")"

# --- 3. <Dockerfile>.dockerignore is preferred over .dockerignore ------------------------
P=$TMP/pref
mkdir -p "$P/sub"
(cd "$P" && mk a.txt b.txt c.txt Dockerfile sub/app.Dockerfile &&
  echo a.txt >.dockerignore && echo b.txt >Dockerfile.dockerignore &&
  echo c.txt >sub/app.Dockerfile.dockerignore)
"$LS" context --list "$P" >"$TMP/p1"
check "Dockerfile.dockerignore wins: b.txt excluded" bash -c "! grep -qx b.txt '$TMP/p1'"
check "Dockerfile.dockerignore wins: a.txt sent" grep -qx a.txt "$TMP/p1"
"$LS" context --list -f "$P/sub/app.Dockerfile" "$P" >"$TMP/p2"
check "-f sub/app.Dockerfile uses sub/app.Dockerfile.dockerignore" \
  bash -c "grep -qx a.txt '$TMP/p2' && grep -qx b.txt '$TMP/p2' && ! grep -qx c.txt '$TMP/p2'"
"$LS" context --json "$P" >"$TMP/pj"
check_eq "--json names the ignore file used" "$P/Dockerfile.dockerignore" \
  "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ignoreFile"])' "$TMP/pj")"

# --- 4. secrets: found by name and by content, never printed in full ---------------------
S=$TMP/secrets
AWS_ID=AKIA$(printf 'Q%.0s' {1..16})
GH_TOKEN=ghp_$(printf 'x%.0s' {1..36})
NPM_TOKEN=npm_SuperSecretTokenValue1234567890
mkdir -p "$S/.aws" "$S/cfg" "$S/keys"
(cd "$S" && mk app.py && echo "SECRET=1" >.env && echo "example" >.env.example &&
  printf '[default]\naws_access_key_id = %s\naws_secret_access_key = wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n' "$AWS_ID" >.aws/credentials &&
  printf 'token = "%s"\n' "$GH_TOKEN" >cfg/settings.toml &&
  printf '//registry.npmjs.org/:_authToken=%s\n' "$NPM_TOKEN" >.npmrc &&
  printf -- '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n' >keys/deploy &&
  cp keys/deploy id_rsa &&
  printf '{"type": "service_account", "private_key_id": "abc"}\n' >cfg/gcp.json)
check_exit "secrets: exit 0 without --strict" 0 "$LS" context "$S"
cp "$TMP/out" "$TMP/secrets.txt"
for want in ".env  dotenv file" "id_rsa  SSH private key" ".aws/credentials  AWS credentials file" \
            "keys/deploy:1  private key" "cfg/settings.toml:1  GitHub token" \
            ".npmrc:1  npm registry token" "cfg/gcp.json:1  GCP service account key" \
            ".aws/credentials:2  AWS access key id  AKIA****"; do
  check "secret reported: $want" grep -qF -- "$want" "$TMP/secrets.txt"
done
check "example env files are not secrets" bash -c "! grep -q 'env.example  dotenv' '$TMP/secrets.txt'"
for secret in "$AWS_ID" "$GH_TOKEN" "$NPM_TOKEN" wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY b3BlbnNzaC1rZXktdjEAAAAA; do
  check "never printed in full: ${secret:0:4}…" bash -c "! grep -qF -- '$secret' '$TMP/secrets.txt'"
done
"$LS" context --json "$S" >"$TMP/sj"
check "JSON output never holds a secret either" bash -c "! grep -qF -- '$GH_TOKEN' '$TMP/sj' && ! grep -qF -- '$AWS_ID' '$TMP/sj'"
check_exit "--strict with secrets exits 1" 1 "$LS" context --strict "$S"
echo ".env" >"$S/.dockerignore"
"$LS" context "$S" >"$TMP/s2"
check "an ignored .env is not reported" bash -c "! grep -q '^  .env  ' '$TMP/s2'"
check_exit "--no-content finds by name only" 0 "$LS" context --no-content "$S"
cp "$TMP/out" "$TMP/nocontent.txt"
check "--no-content: no content findings" bash -c "! grep -q 'GitHub token' '$TMP/nocontent.txt' && grep -q 'id_rsa' '$TMP/nocontent.txt'"

# --- 5. COPY/ADD sources excluded by .dockerignore, savings ------------------------------
D=$TMP/copy
mkdir -p "$D"
(cd "$D" && mk build/app.bin src/main.c assets/logo.png README.md && head -c 5000 /dev/zero >big.bin &&
  printf 'build\n*.bin\n' >.dockerignore &&
  printf 'FROM alpine\nCOPY src /src\nCOPY build/app.bin \\\n     /app\nCOPY --from=builder /out /out\nADD ["big.bin", "/big"]\nCOPY assets/*.png /a/\n' >Dockerfile)
check_exit "clean context without --strict exits 0" 0 "$LS" context "$D"
cp "$TMP/out" "$TMP/copy.txt"
check "excluded COPY source reported with its line" grep -qF "Dockerfile:3  COPY build/app.bin" "$TMP/copy.txt"
check "excluded ADD (JSON form) source reported" grep -qF "Dockerfile:6  ADD big.bin" "$TMP/copy.txt"
check "COPY --from is not a context source" bash -c "! grep -q '/out' '$TMP/copy.txt'"
check "included sources are not reported" bash -c "! grep -qE 'COPY (src|assets)' '$TMP/copy.txt'"
check "savings: 2 files, 5.0 kB excluded" grep -qE '^Excluded: +2 files, 5\.0 kB \(5025 bytes\)' "$TMP/copy.txt"
check_exit "--strict with an excluded COPY source exits 1" 1 "$LS" context --strict "$D"
check "largest file listed" grep -qE '^ +[0-9.]+ [kM]?B  Dockerfile' "$TMP/copy.txt"

E=$TMP/everything
mkdir -p "$E/d" && echo x >"$E/d/f" && printf '*\n' >"$E/.dockerignore"
check_exit "everything excluded: --list exits 0" 0 "$LS" context --list "$E"
check_eq "everything excluded: --list prints nothing" "" "$(cat "$TMP/out")"
mkdir -p "$TMP/empty-ctx"
check_exit "empty context: --json exits 0" 0 "$LS" context --json "$TMP/empty-ctx"
check_eq "empty context: nothing sent" 0 \
  "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sent"]["files"])' "$TMP/out")"

# --- 6. exit codes and errors --------------------------------------------------------------
check_exit "--help exits 0" 0 "$LS" context --help
check_exit "missing directory exits 2" 2 "$LS" context "$TMP/does-not-exist"
cp "$TMP/err" "$TMP/err1"
check_eq "missing directory: one clear line" 1 "$(grep -c "^layerscope: .*does-not-exist" "$TMP/err1")"
B=$TMP/bad
mkdir -p "$B" && printf 'ok\nbad[\n' >"$B/.dockerignore"
check_exit "invalid pattern in .dockerignore exits 2" 2 "$LS" context "$B"
cp "$TMP/err" "$TMP/err2"
check "the invalid pattern is named" grep -qF "bad[" "$TMP/err2"
check_exit "--check with an invalid pattern exits 2" 2 "$LS" context --ignore-file "$B/.dockerignore" --check x
cp "$TMP/err" "$TMP/err3"
check "--check error names the pattern" grep -qF "bad[" "$TMP/err3"
check_exit "--check without paths exits 2" 2 "$LS" context --ignore-file "$B/.dockerignore" --check
check_exit "unknown option exits 2" 2 "$LS" context --frobnicate
check_exit "two directories exit 2" 2 "$LS" context "$C" "$W"
check_exit "--ignore-file missing exits 2" 2 "$LS" context --ignore-file "$TMP/nope" --check x

# --- 7. pruning: 200,000 files under an excluded node_modules ------------------------------
N=$TMP/big
mkdir -p "$N/src"
python3 - "$N/node_modules" <<'EOF'
import os, sys
root = sys.argv[1]
for d in range(400):
    p = os.path.join(root, f"pkg{d}", "lib")
    os.makedirs(p)
    for f in range(500):
        os.close(os.open(os.path.join(p, f"f{f}.js"), os.O_CREAT | os.O_WRONLY, 0o644))
EOF
echo 'console.log(1)' >"$N/src/index.js"
printf 'node_modules\n*.log\n!important.log\n' >"$N/.dockerignore"
check_exit "pruned walk exits 0" 0 "$LS" context --stats --no-savings "$N"
walk=$(grep '^Walk:' "$TMP/out")
diag "$walk"
check_eq "node_modules pruned: only the root and src are read" \
  "Walk: 2 directories read, 1 skipped, 0 sized without matching, 4 entries matched" "$walk"
check_exit "with savings, the skipped tree is sized" 0 "$LS" context --stats "$N"
cp "$TMP/out" "$TMP/big1"
check "savings count all 200,000 files" grep -qE '^Excluded: +200000 files' "$TMP/big1"
check "sizing does not match patterns" grep -q '^Walk: 2 directories read, 1 skipped, 801 sized without matching, 4 entries matched' "$TMP/big1"
printf 'node_modules\n!node_modules/keep-me\n' >"$N/.dockerignore"
check_exit "literal exception below: node_modules read, its packages skipped" 0 "$LS" context --stats --no-savings "$N"
cp "$TMP/out" "$TMP/big2"
check "literal exception below: 3 directories read, 400 skipped" grep -q '^Walk: 3 directories read, 400 skipped, 0 sized' "$TMP/big2"
printf 'node_modules\n!**/keep-me\n' >"$N/.dockerignore"
check_exit "wildcard exception: node_modules is walked" 0 "$LS" context --stats --no-savings "$N"
cp "$TMP/out" "$TMP/big3"
check "wildcard exception: every directory read" grep -q '^Walk: 803 directories read, 0 skipped' "$TMP/big3"

done_testing
