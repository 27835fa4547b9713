#!/usr/bin/env bash
# dive's own fixtures and expected outputs (../shared/oracle/dive): the efficiency figures to
# the last digit, the JSON export against export_test.snap, and `layerscope ci` output diffed
# with dive's CI snapshots wherever the inputs are the same.
. "$SRCDIR/tests/lib.sh"
DIVE=$ORACLE/dive
if [ ! -f "$DIVE/test-docker-image.tar" ]; then
  skip "dive oracle not found at $DIVE: dive conformance NOT checked"
  done_testing
  exit 0
fi
passed=0 total=0
case_ok() { ok "$1"; passed=$((passed + 1)); total=$((total + 1)); }
case_not_ok() { not_ok "$1"; total=$((total + 1)); }
# tcheck DESC CMD...: a case that passes when CMD exits 0 (its output kept for diag).
tcheck() {
  local d=$1; shift
  if "$@" >"$TMP/case.out" 2>&1; then case_ok "$d"; else case_not_ok "$d"; sed 's/^/#   /' "$TMP/case.out" | head -30; fi
}
cd "$TMP" || exit 1 # no .dive-ci here

# ---- Figures (the issue's numbers; dive's image_archive_analysis_test.go) ----
figures() { # IMAGE EFFICIENCY WASTED USERWASTED FILES(JSON list of [count,size,path])
  "$LS" ci --quiet --format json --lowestEfficiency off --highestUserWastedPercent off "$1" >"$TMP/fig.json" 2>"$TMP/fig.err"
  python3 - "$TMP/fig.json" "$2" "$3" "$4" "$5" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
a = d["analysis"]
errs = []
if repr(a["efficiency"]) != sys.argv[2]: errs.append(f"efficiency {a['efficiency']!r} != {sys.argv[2]}")
if a["wastedBytes"] != int(sys.argv[3]): errs.append(f"wastedBytes {a['wastedBytes']} != {sys.argv[3]}")
uw = a["userWastedPercent"]
if sys.argv[4] != "-" and repr(uw) != sys.argv[4]: errs.append(f"userWastedPercent {uw!r} != {sys.argv[4]}")
got = sorted([f["count"], f["sizeBytes"], f["file"]] for f in d["inefficientFiles"])
want = sorted(json.loads(sys.argv[5]))
if got != want: errs.append(f"files {got} != {want}")
sizes = [f["sizeBytes"] for f in d["inefficientFiles"]]
if sizes != sorted(sizes, reverse=True): errs.append("files not largest first")
print("\n".join(errs)); sys.exit(1 if errs else 0)
PY
}
tcheck "docker image: efficiency, wasted, user-wasted, files" figures "$DIVE/test-docker-image.tar" \
  0.9844212134184309 32025 0.4834911001404049 \
  '[[2,12810,"/root/saved.txt"],[2,12810,"/root/example/somefile1.txt"],[2,6405,"/root/example/somefile3.txt"]]'
tcheck "kaniko image: efficiency, wasted, user-wasted" figures "$DIVE/test-kaniko-image.tar" \
  0.9793688490216431 46245 0.4884502043790995 \
  '[[2,18498,"/root/saved.txt"],[2,18498,"/root/example/somefile1.txt"],[2,9249,"/root/example/somefile3.txt"]]'
for c in gzip zstd uncompressed estargz; do
  tcheck "oci-$c image: efficiency 1, nothing wasted" figures "$DIVE/test-oci-$c-image.tar" 1 0 - '[]'
done

# ---- JSON export vs export_test.snap (dive's fields, order of fields and of fileList) ----
export_matches() {
  "$LS" analyze --json "$TMP/export.json" "$DIVE/test-docker-image.tar" || return 1
  python3 - "$TMP/export.json" "$DIVE/snapshots/export_test.snap" <<'PY'
import json, sys
raw = open(sys.argv[1]).read()
got = json.loads(raw)
snap = open(sys.argv[2]).read()
want = json.loads(snap[snap.index("{"):snap.rindex("}") + 1])
errs = []
if list(got) != ["layer", "image", "layerscope"]: errs.append(f"top-level keys {list(got)}")
if [list(l) for l in got["layer"]][0] != ["index", "id", "digestId", "sizeBytes", "command", "fileList"]:
    errs.append("layer field order")
if list(got["layer"][0]["fileList"][0]) != ["path", "typeFlag", "linkName", "size", "fileMode", "uid", "gid", "isDir"]:
    errs.append("fileList field order")
if list(got["image"]) != ["sizeBytes", "inefficientBytes", "efficiencyScore", "fileReference"]:
    errs.append("image field order")
refs = lambda d: sorted(json.dumps(r, sort_keys=True) for r in d["image"]["fileReference"])
if refs(got) != refs(want): errs.append("fileReference differs")
for k in ("sizeBytes", "inefficientBytes", "efficiencyScore"):
    if got["image"][k] != want["image"][k]: errs.append(f"image.{k}: {got['image'][k]} != {want['image'][k]}")
if len(got["layer"]) != len(want["layer"]): errs.append("layer count")
for g, w in zip(got["layer"], want["layer"]):
    for k in w:
        if g.get(k) != w[k]:
            errs.append(f"layer {w['index']}.{k} differs" + ("" if k == "fileList" else f": {g.get(k)!r} != {w[k]!r}"))
if '"efficiencyScore": 0.9844212134184309,' not in raw: errs.append("efficiencyScore not written as Go writes it")
if not raw.startswith('{\n  "layer": [\n    {\n      "index": 0,'): errs.append("not Go's two-space indentation")
print("\n".join(errs[:20])); sys.exit(1 if errs else 0)
PY
}
tcheck "analyze --json: dive's export (export_test.snap)" export_matches

# ---- CI output vs dive's snapshots ----
# snapshot NAME FILE: the block of cli_*_test.snap named [NAME - 1]
snapshot() {
  awk -v name="[$1 - 1]" '$0 == name { on = 1; next } on && $0 == "---" { exit } on' "$DIVE/snapshots/$2" |
    sed -e '1{/^$/d}' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}
ci_diff() { # DESC SNAPSHOT-NAME SNAPFILE IMAGE SED-FOR-THE-SNAPSHOT ARGS...
  local desc=$1 name=$2 file=$3 image=$4 edit=$5; shift 5
  snapshot "$name" "$file" | sed -e "$edit" >"$TMP/want"
  "$LS" ci "$@" "$image" >"$TMP/got.out" 2>"$TMP/got.err"
  local rc=$?
  if [ "$name" != "${name#Test_LoadImage}" ]; then cat "$TMP/got.err" "$TMP/got.out" >"$TMP/got"; else cp "$TMP/got.out" "$TMP/got"; fi
  if diff -u "$TMP/want" "$TMP/got" >"$TMP/diff"; then case_ok "$desc (exit $rc)"; else case_not_ok "$desc"; sed 's/^/#   /' "$TMP/diff" | head -40; fi
}
flags=(--lowestEfficiency 0.9 --highestWastedBytes 20MB --highestUserWastedPercent 0.90)
ci_diff "ci: progress and report as Test_LoadImage/from_archive" "Test_LoadImage/from_archive" cli_load_test.snap \
  "$DIVE/test-docker-image.tar" "s|/Users/wagoodman/code/dive/.data/test-docker-image.tar|$DIVE/test-docker-image.tar|" "${flags[@]}"
printf 'ci: true\nrules:\n  lowest-efficiency-threshold: "0.9"\n  highest-wasted-bytes: 20MB\n  highestUserWastedPercent: "0.90"\n' >"$TMP/dive-pass.yaml"
ci_diff "ci --ci-config (kebab and camel keys): as Test_LoadImage/from_archive_(flag)" "Test_LoadImage/from_archive_(flag)" cli_load_test.snap \
  "$DIVE/test-docker-image.tar" "s|/Users/wagoodman/code/dive/.data/test-docker-image.tar|$DIVE/test-docker-image.tar|" --ci-config "$TMP/dive-pass.yaml"
# A one-layer image with nothing wasted prints what dive prints for busybox (only the
# Loading/Analyzing lines name another image).
ci_diff "ci: nothing wasted, as Test_LoadImage/from_docker_engine" "Test_LoadImage/from_docker_engine" cli_load_test.snap \
  "$DIVE/test-oci-gzip-image.tar" "1s|.*|Loading image                 $DIVE/test-oci-gzip-image.tar|;2s|.*|Analyzing image               [layers:1 files:1 size:11 kB]|" "${flags[@]}"
# Test_CI_Fail ran on another image (user-wasted 0.72, other files): same rules, our figures.
snapshot Test_CI_Fail cli_ci_test.snap | sed -n '/^Evaluation:/,$p' | sed 's/0\.72 >/0.48 >/' >"$TMP/want"
"$LS" ci --quiet --highestUserWastedPercent 0.1 "$DIVE/test-docker-image.tar" >"$TMP/got" 2>/dev/null
rc=$?
sed -n '/^Evaluation:/,$p' "$TMP/got" >"$TMP/got.eval"
if [ $rc = 1 ] && diff -u "$TMP/want" "$TMP/got.eval" >"$TMP/diff"; then case_ok "ci: failing gate as Test_CI_Fail (exit 1)"; else case_not_ok "ci: failing gate as Test_CI_Fail (exit $rc)"; sed 's/^/#   /' "$TMP/diff" | head -20; fi
# dive's example rules file: unknown keys are warnings, 20Mb is 1000-based.
"$LS" ci --quiet --ci-config "$DIVE/.dive-ci" "$DIVE/test-docker-image.tar" >"$TMP/got" 2>"$TMP/err"
rc=$?
if [ $rc = 0 ] && grep -q "unknown key 'plugins'" "$TMP/err" && grep -q "unknown rule 'plugin1/rule1'" "$TMP/err" &&
   grep -qx '  PASS  highestWastedBytes (20Mb)' "$TMP/got" && grep -qx '  PASS  lowestEfficiency (0.95)' "$TMP/got" &&
   grep -qx '  PASS  highestUserWastedPercent (0.5)' "$TMP/got" && grep -qx 'PASS \[pass:3\]' "$TMP/got"; then
  case_ok "ci --ci-config dive's .dive-ci: warnings for plugins, PASS [pass:3]"
else
  case_not_ok "ci --ci-config dive's .dive-ci (exit $rc)"; sed 's/^/#   /' "$TMP/err" "$TMP/got" | head -20
fi
# Go's float formatting in the failure message: threshold=%v, efficiency=%2.2f
"$LS" ci --quiet --lowestEfficiency 0.99 "$DIVE/test-docker-image.tar" >"$TMP/got" 2>/dev/null
check_line='  FAIL  lowestEfficiency (image efficiency is too low (efficiency=0.98 < threshold=0.99))'
if grep -qxF "$check_line" "$TMP/got"; then case_ok "ci: dive's lowestEfficiency failure message"; else case_not_ok "ci: lowestEfficiency failure message"; sed 's/^/#   /' "$TMP/got"; fi

diag "$passed/$total cases pass"
done_testing
