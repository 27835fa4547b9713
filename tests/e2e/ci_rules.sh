#!/usr/bin/env bash
# `layerscope ci` and `analyze` on a small image this test writes (Python, docker-archive):
# every value form of dive's rule syntax, strict crossing, the rules file (both key spellings,
# unknown keys, bad values), flags over the file, layerscope's own rules, JSON and JUnit.
. "$SRCDIR/tests/lib.sh"
cd "$TMP" || exit 1

# Layers: 0 base files (two identical), 1 apt lists + a key + a big temp file, 2 deletes the
# key's directory and the temp file, 3 chmods /app/main (the same content stored again).
python3 - "$TMP/waste.tar" <<'PY'
import hashlib, io, json, sys, tarfile
def layer(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, kind, data, mode in entries:
            ti = tarfile.TarInfo(name); ti.mtime = 1700000000; ti.mode = mode
            if kind == "dir":
                ti.type = tarfile.DIRTYPE; t.addfile(ti)
            else:
                ti.size = len(data); t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()
def blob(n, seed): return (hashlib.sha256(seed.encode()).hexdigest() * (n // 64 + 1)).encode()[:n]
F, D = "file", "dir"
layers = [
  ("ADD rootfs.tar /", [("etc/", D, b"", 0o755), ("etc/os", F, blob(100, "os"), 0o644), ("root/", D, b"", 0o700),
    ("app/", D, b"", 0o755), ("app/main", F, blob(2000, "main"), 0o644),
    ("app/dup1", F, blob(500, "dup"), 0o644), ("app/dup2", F, blob(500, "dup"), 0o644)]),
  ("/bin/sh -c apt-get update && curl -o /tmp/big x", [("var/", D, b"", 0o755), ("var/lib/", D, b"", 0o755),
    ("var/lib/apt/", D, b"", 0o755), ("var/lib/apt/lists/", D, b"", 0o755),
    ("var/lib/apt/lists/list1", F, blob(3000, "l"), 0o644), ("root/", D, b"", 0o700),
    ("root/.ssh/", D, b"", 0o700), ("root/.ssh/id_rsa", F, blob(400, "k"), 0o600),
    ("tmp/", D, b"", 0o1777), ("tmp/big", F, blob(10000, "b"), 0o644)]),
  ("/bin/sh -c rm -rf /tmp/big /root/.ssh", [("root/", D, b"", 0o700), ("root/.wh..ssh", F, b"", 0),
    ("tmp/", D, b"", 0o1777), ("tmp/.wh.big", F, b"", 0)]),
  ("/bin/sh -c chmod 755 /app/main", [("app/", D, b"", 0o755), ("app/main", F, blob(2000, "main"), 0o755)]),
]
tars = [layer(e) for _, e in layers]
ids = [hashlib.sha256(t).hexdigest() for t in tars]
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
  "rootfs": {"type": "layers", "diff_ids": ["sha256:" + i for i in ids]},
  "history": [{"created_by": c} for c, _ in layers]}).encode()
cid = hashlib.sha256(config).hexdigest()
manifest = json.dumps([{"Config": cid + ".json", "RepoTags": ["waste:test"],
  "Layers": [i + "/layer.tar" for i in ids]}]).encode()
with tarfile.open(sys.argv[1], "w") as out:
    def add(name, data):
        ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 1700000000; out.addfile(ti, io.BytesIO(data))
    for i, t in zip(ids, tars): add(i + "/layer.tar", t)
    add(cid + ".json", config); add("manifest.json", manifest)
PY
IMG=$TMP/waste.tar
EFF=$(python3 -c 'print(repr(6900/18900))')
UW=$(python3 -c 'print(repr(14000/15400))')
ci() { "$LS" ci --quiet "$@" "$IMG"; }
# line RULE: the Evaluation line of a rule in the last output
line() { grep -E "^  (PASS|FAIL|SKIP|WARN)  $1( |$)" "$TMP/out"; }
expect() { # DESC EXIT STATUS-LINE-REGEX CI-ARGS...
  local d=$1 want=$2 re=$3; shift 3
  ci "$@" >"$TMP/out" 2>"$TMP/err"; local rc=$?
  if [ "$rc" = "$want" ] && grep -qE -- "$re" "$TMP/out"; then ok "$d"; else
    not_ok "$d (exit $rc, want $want)"; diag "want /$re/"; sed 's/^/#   /' "$TMP/out" "$TMP/err" | head -20; fi
}

check "ci --help" "$LS" ci --help
check "analyze --help" "$LS" analyze --help
check_exit "ci without IMAGE" 2 "$LS" ci
check_exit "ci with an unknown option" 2 "$LS" ci --nope "$IMG"
check_exit "ci --format bogus" 2 "$LS" ci --format bogus "$IMG"
check_exit "ci on a missing image" 2 "$LS" ci --quiet "$TMP/missing.tar"

# Defaults (0.9, disabled, 0.1) fail this image; the report is dive's.
expect "defaults: two rules fail" 1 '^FAIL \[fail:2 skip:1\]$'
check_eq "defaults: efficiency line" "  efficiency:        36.51 %" "$(grep efficiency: "$TMP/out")"
check_eq "defaults: wasted line" "  wastedBytes:       14000 bytes (14 kB)" "$(grep wastedBytes: "$TMP/out")"
check_eq "defaults: user-wasted line" "  userWastedPercent: 90.91 %" "$(grep userWastedPercent: "$TMP/out")"
check_eq "defaults: inefficient files" "$(printf '  Count  Wasted Space  File Path\n  2      10 kB         /tmp/big\n  2      4.0 kB        /app/main')" \
  "$(sed -n '/^Inefficient Files:/,/^$/p' "$TMP/out" | sed '1d;$d')"
check_eq "defaults: lowestEfficiency message" "  FAIL  lowestEfficiency (image efficiency is too low (efficiency=0.37 < threshold=0.9))" "$(line lowestEfficiency)"
check_eq "defaults: user-wasted message" "  FAIL  highestUserWastedPercent (too many bytes wasted, relative to the user bytes added (%-user-wasted-bytes=0.91 > threshold=0.1))" "$(line highestUserWastedPercent)"
check_eq "defaults: highestWastedBytes skipped" "  SKIP  highestWastedBytes (disabled)" "$(line highestWastedBytes)"

OFF=(--lowestEfficiency off --highestUserWastedPercent off)
# Disabling: every spelling.
for v in disabled off false "" OFF False " Disabled "; do
  expect "disabled as '$v'" 0 '^  SKIP  lowestEfficiency \(disabled\)$' --lowestEfficiency "$v" --highestUserWastedPercent off
done
expect "all rules off: PASS [skip:3]" 0 '^PASS \[skip:3\]$' "${OFF[@]}"

# Sizes: 1000-based and 1024-based, any case, commas, decimals; strict crossing at 14000.
for v in 14000 14kB 14KB 14kb 14Kb 14k "14,000" "14 kB" 14KiB 14kib 20MB 20MiB 0.014MB; do
  expect "highestWastedBytes $v passes (wasted 14000)" 0 "^  PASS  highestWastedBytes \\($v\\)$" "${OFF[@]}" --highestWastedBytes "$v"
done
for v in "13999:13999" "13.99kB:13990" "13KiB:13312" "13kib:13312" "1:1"; do
  expect "highestWastedBytes ${v%%:*} fails at threshold=${v##*:}" 1 \
    "^  FAIL  highestWastedBytes \\(too many bytes wasted \\(wasted-bytes=14000 > threshold=${v##*:}\\)\\)$" "${OFF[@]}" --highestWastedBytes "${v%%:*}"
done
# Ratios: exactly at the limit passes.
expect "lowestEfficiency equal to the efficiency passes" 0 "^  PASS  lowestEfficiency" --lowestEfficiency "$EFF" --highestUserWastedPercent off
expect "lowestEfficiency 0.37 fails" 1 "^  FAIL  lowestEfficiency \\(image efficiency is too low \\(efficiency=0.37 < threshold=0.37\\)\\)$" --lowestEfficiency 0.37 --highestUserWastedPercent off
expect "lowestEfficiency 1e-1 passes" 0 '^  PASS  lowestEfficiency \(1e-1\)$' --lowestEfficiency 1e-1 --highestUserWastedPercent off
expect "highestUserWastedPercent equal passes" 0 "^  PASS  highestUserWastedPercent" --highestUserWastedPercent "$UW" --lowestEfficiency off
expect "highestUserWastedPercent 0.909 fails" 1 "threshold=0.909\\)\\)$" --highestUserWastedPercent 0.909 --lowestEfficiency off
expect "ratio 1 and 0 are in range" 0 '^PASS \[pass:2 skip:1\]$' --highestUserWastedPercent 1 --lowestEfficiency 0

# Invalid values: exit 2, one clear line naming the key and the value.
bad() { # DESC FLAG VALUE
  ci "$2" "$3" >"$TMP/out" 2>"$TMP/err"; local rc=$?
  if [ $rc = 2 ] && grep -q -- "${2#--}" "$TMP/err" && grep -qF -- "\"$3\"" "$TMP/err" && [ "$(wc -l <"$TMP/err")" = 1 ]; then ok "$1"; else
    not_ok "$1 (exit $rc)"; sed 's/^/#   /' "$TMP/err"; fi
}
bad "lowestEfficiency abc is an error" --lowestEfficiency abc
bad "lowestEfficiency 1.5 is out of range" --lowestEfficiency 1.5
bad "highestUserWastedPercent -0.1 is out of range" --highestUserWastedPercent -0.1
bad "highestWastedBytes ten is an error" --highestWastedBytes ten
bad "highestWastedBytes 5 parsecs is an error" --highestWastedBytes "5 parsecs"
bad "highestLayerCount -1 is an error" --highestLayerCount -1
bad "highestImageSize 1XB is an error" --highestImageSize 1XB

# The rules file: .dive-ci in the working directory, both key spellings, unknown keys warn.
cat >"$TMP/.dive-ci" <<'YAML'
plugins:
  - plugin1
rules:
  lowest-efficiency: 0.3
  highestWastedBytes: 14KB
  highest-user-wasted-percent: "0.95"
  plugin1/rule1: error
YAML
expect ".dive-ci from the working directory" 0 '^PASS \[pass:3\]$'
check_eq ".dive-ci: kebab key read" "  PASS  lowestEfficiency (0.3)" "$(line lowestEfficiency)"
check_eq ".dive-ci: camel key read" "  PASS  highestWastedBytes (14KB)" "$(line highestWastedBytes)"
check_eq ".dive-ci: unknown keys are warnings" "2" "$(grep -c 'warning: .*unknown' "$TMP/err")"
expect "flags override the file" 1 '^  FAIL  lowestEfficiency' --lowestEfficiency 0.5
mv "$TMP/.dive-ci" "$TMP/rules.yaml"
expect "--ci-config FILE" 0 '^PASS \[pass:3\]$' --ci-config "$TMP/rules.yaml"
printf 'rules:\n  lowestEfficiency:\n  highestUserWastedPercent: ~\n' >"$TMP/empty.yaml"
expect "empty and null values disable" 0 '^PASS \[skip:3\]$' --ci-config "$TMP/empty.yaml"
printf 'rules:\n  highestWastedBytes: 20 furlongs\n' >"$TMP/badval.yaml"
ci --ci-config "$TMP/badval.yaml" >"$TMP/out" 2>"$TMP/err"; rc=$?
if [ $rc = 2 ] && grep -q 'highestWastedBytes' "$TMP/err" && grep -q '"20 furlongs"' "$TMP/err" && grep -q badval.yaml "$TMP/err"; then
  ok "bad value in the file: exit 2 naming file, key and value"; else not_ok "bad value in the file (exit $rc)"; sed 's/^/#   /' "$TMP/err"; fi
printf 'rules: [1, 2\n' >"$TMP/broken.yaml"
check_exit "broken YAML is an error" 2 "$LS" ci --quiet --ci-config "$TMP/broken.yaml" "$IMG"
check_exit "a missing --ci-config file is an error" 2 "$LS" ci --quiet --ci-config "$TMP/nope.yaml" "$IMG"

# layerscope's own rules (shown only when set), strict crossing too.
expect "highestLayerCount 4 passes" 0 '^  PASS  highestLayerCount \(4\)$' "${OFF[@]}" --highestLayerCount 4
expect "highestLayerCount 3 fails" 1 '^  FAIL  highestLayerCount \(too many layers \(layers=4 > threshold=3\)\)$' "${OFF[@]}" --highestLayerCount 3
expect "highestImageSize 18500 passes" 0 '^  PASS  highestImageSize' "${OFF[@]}" --highestImageSize 18500
expect "highestImageSize 18.4kB fails" 1 'size-bytes=18500 > threshold=18400' "${OFF[@]}" --highestImageSize 18.4kB
expect "highestReclaimableBytes 12400 passes" 0 '^  PASS  highestReclaimableBytes' "${OFF[@]}" --highestReclaimableBytes 12400
expect "highestReclaimableBytes 12399 fails" 1 'reclaimable-bytes=12400 > threshold=12399' "${OFF[@]}" --highestReclaimableBytes 12399
expect "forbiddenPaths finds a deleted key, naming its layer" 1 \
  '^  FAIL  forbiddenPaths \(1 forbidden path: /root/.ssh/id_rsa \(layer 1, deleted by layer 2, still stored\)\)$' "${OFF[@]}" --forbiddenPaths '**/*.pem,**/id_rsa'
expect "forbiddenPaths without a match passes" 0 '^  PASS  forbiddenPaths \(\*\*/\*.pem, \*\*/.env\)$' "${OFF[@]}" --forbiddenPaths '**/*.pem,**/.env'
"$LS" ci --highestLayerCount 9 "${OFF[@]}" "$IMG" >/dev/null 2>"$TMP/err"
check_eq "progress counts our rules" "Evaluating image              [rules: 4]" "$(grep Evaluating "$TMP/err")"
check_eq "progress: layers, tree nodes, size" "Analyzing image               [layers:4 files:23 size:18 kB]" "$(grep Analyzing "$TMP/err")"
printf 'rules:\n  forbidden-paths:\n    - "**/id_rsa"\n    - "**/.env"\n' >"$TMP/forbid.yaml"
expect "forbiddenPaths as a YAML list" 1 'FAIL  forbiddenPaths \(1 forbidden path' "${OFF[@]}" --ci-config "$TMP/forbid.yaml"

# JSON and JUnit.
ci --format json --forbiddenPaths '**/id_rsa' >"$TMP/ci.json" 2>/dev/null; rc=$?
check_eq "json: exit 1 on failure" 1 "$rc"
check_eq "json: shape" '["image","pass","analysis","inefficientFiles","rules","forbiddenPaths","summary"] false ["forbiddenPaths","highestUserWastedPercent","highestWastedBytes","lowestEfficiency"] 2 deleted {"pass":0,"fail":3,"warn":0,"skip":1} 12400' \
  "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps(list(d),separators=(",",":")), json.dumps(d["pass"]), json.dumps([r["name"] for r in d["rules"]],separators=(",",":")), d["forbiddenPaths"][0]["hiddenBy"], d["forbiddenPaths"][0]["hiddenHow"], json.dumps(d["summary"],separators=(",",":")), d["analysis"]["reclaimableBytes"])' "$TMP/ci.json")"
ci --format junit --highestWastedBytes 1MB >"$TMP/ci.xml" 2>/dev/null; rc=$?
check_eq "junit: one testcase per rule, failures and skips counted" "1 3 3 2 0 ['highestUserWastedPercent', 'highestWastedBytes', 'lowestEfficiency']" \
  "$rc $(python3 -c 'import sys, xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); s=r.find("testsuite"); c=s.findall("testcase"); print(s.get("tests"), len(c), len([x for x in c if x.find("failure") is not None]), s.get("skipped"), [x.get("name") for x in c])' "$TMP/ci.xml")"

# analyze: the text report and layerscope's figures in the JSON.
"$LS" analyze "$IMG" >"$TMP/an.txt" 2>"$TMP/err"; rc=$?
check_eq "analyze exits 0" 0 "$rc"
check_eq "analyze: reclaimable" "  reclaimable:           12 kB (12400 bytes)" "$(grep '^  reclaimable:' "$TMP/an.txt")"
check "analyze: metadata rewrite advice (COPY --chmod)" grep -q 'stored 1 file again with the same content.*COPY --chmod' "$TMP/an.txt"
check "analyze: one-RUN advice names both layers" grep -q 'added by layer 1 (`apt-get update && curl -o /tmp/big x`) and removed by layer 2 (`rm -rf /tmp/big /root/.ssh`): do both in one RUN' "$TMP/an.txt"
check "analyze: apt lists left" grep -q 'apt package lists left in the final image (/var/lib/apt/lists, 3.0 kB)' "$TMP/an.txt"
check "analyze: duplicate content" grep -q '500 B .*saved by keeping one of 2 copies: /app/dup1 /app/dup2' "$TMP/an.txt"
"$LS" analyze --top 1 "$IMG" >"$TMP/an1.txt"
check_eq "analyze --top 1: one inefficient file" "Inefficient Files (1 of 2, largest first):" "$(grep '^Inefficient Files' "$TMP/an1.txt")"
"$LS" analyze --json - "$IMG" >"$TMP/an.json"
check_eq "analyze --json -: dive figures and ours" "14000 18500 12400 {'deleted': 10400, 'overwritten': 0, 'metadata': 2000, 'opaque': 0, 'replaced': 0} [[1, 2, 'deleted', 10400], [0, 3, 'metadata', 2000]]" \
  "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); l=d["layerscope"]; print(d["image"]["inefficientBytes"], d["image"]["sizeBytes"], l["reclaimableBytes"], l["reclaimableByKind"], [[a["addedBy"]["layer"], a["removedBy"]["layer"], a["kind"], a["bytes"]] for a in l["attribution"]])' "$TMP/an.json")"
check_exit "analyze --top bad" 2 "$LS" analyze --top x "$IMG"
check_exit "analyze --json to an unwritable path" 2 "$LS" analyze --json /nonexistent/dir/x.json "$IMG"
done_testing
