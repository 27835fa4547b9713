#!/usr/bin/env bash
# BuildKit's shell-word expansion tables (../shared/oracle/lint/shell): envVarTest (ProcessWord,
# unix rows) and wordsTest (ProcessWords), fed through the hidden `lint --debug-expand`.
. "$SRCDIR/tests/lib.sh"
S=$ORACLE/lint/shell
if [ ! -f "$S/envVarTest" ] || [ ! -f "$S/wordsTest" ]; then
  skip "BuildKit shell oracle absent ($S): conformance NOT checked"
  done_testing; exit 0
fi

# Build the request list and the expectations with the rules of BuildKit's lex_test.go:
# fields trimmed (envVarTest), input trimmed and expected left-trimmed (wordsTest).
python3 - "$S" "$TMP" <<'PY'
import sys
src, tmp = sys.argv[1], sys.argv[2]
req, want, names = [], [], []
req += ["env PWD=/home", "env SHELL=bash", "env KOREAN=한국어", "env NULL="]
want += ["ok"] * 4; names += [""] * 4
for n, line in enumerate(open(f"{src}/envVarTest", encoding="utf-8"), 1):
    line = line.rstrip("\n")
    if not line.strip() or line.startswith("#"):
        continue
    plat, inp, exp = (f.strip() for f in line.split("|", 2))
    if plat not in ("A", "U"):
        continue
    req.append("word " + inp); want.append(exp); names.append(f"envVarTest:{n} {inp}")
# wordsTest starts from an empty environment
req.append("reset")
want.append(None); names.append("")
for n, line in enumerate(open(f"{src}/wordsTest", encoding="utf-8"), 1):
    line = line.rstrip("\n")
    if not line.strip() or line.startswith("#"):
        continue
    if line.startswith("ENV "):
        req.append("env " + line[3:].lstrip(" ")); want.append("ok"); names.append("")
        continue
    inp, exp = line.split("|", 1)
    req.append("words " + inp.strip()); want.append(exp.lstrip(" ")); names.append(f"wordsTest:{n} {inp.strip()}")
open(f"{tmp}/req", "w", encoding="utf-8").write("\n".join(req) + "\n")
open(f"{tmp}/want", "w", encoding="utf-8").write("\n".join("" if w is None else w for w in want) + "\n")
open(f"{tmp}/names", "w", encoding="utf-8").write("\n".join(names) + "\n")
PY
"$LS" lint --debug-expand <"$TMP/req" >"$TMP/got" 2>"$TMP/err"

for table in envVarTest wordsTest; do
  pass=0 total=0 failed=()
  while IFS= read -r name <&3 && IFS= read -r want <&4 && IFS= read -r got <&5; do
    case $name in "$table:"*) ;; *) continue ;; esac
    total=$((total + 1))
    if [ "$want" = "$got" ]; then pass=$((pass + 1)); else failed+=("$name => [$got] want [$want]"); fi
  done 3<"$TMP/names" 4<"$TMP/want" 5<"$TMP/got"
  if [ "$total" -gt 0 ] && [ "$pass" = "$total" ]; then ok "$table ($total rows)"; else not_ok "$table"; fi
  for f in "${failed[@]}"; do diag "FAIL $f"; done
  diag "$table: $pass/$total cases pass"
done
done_testing
