#!/usr/bin/env bash
# Version ordering against peer projects' own test vectors (../shared/oracle/versions):
# dpkg/APT (deb.tsv), apk-tools (apk.tsv, apk-extra.txt), rpm (rpm.tsv as rpmvercmp,
# rpm-evr.tsv as [epoch:]version[-release]). Every row must pass.
. "$SRCDIR/tests/lib.sh"

DIR=$ORACLE/versions
if [ ! -d "$DIR" ]; then
  skip "version conformance: $DIR not found (peer test data is not shipped with layerscope)"
  done_testing
  exit 0
fi

# run_file FILE ECOSYSTEM: one TAP line with the pass count; failing rows listed with diag.
run_file() {
  local file=$1 eco=$2 name
  name=$(basename "$file")
  if [ ! -f "$file" ]; then not_ok "$name: missing"; return; fi
  grep -v '^#' "$file" >"$TMP/rows"
  "$LS" vercmp "$eco" --batch <"$TMP/rows" >"$TMP/got" 2>"$TMP/err"
  local total pass
  total=$(wc -l <"$TMP/rows")
  paste "$TMP/rows" "$TMP/got" | awk -F'\t' '$3 != $4' >"$TMP/fail"
  pass=$((total - $(wc -l <"$TMP/fail")))
  diag "$name ($eco): $pass/$total cases pass"
  if [ "$pass" -eq "$total" ] && [ "$total" -gt 0 ]; then
    ok "$name ($eco): $pass/$total"
  else
    not_ok "$name ($eco): $pass/$total"
    head -30 "$TMP/fail" | while IFS=$'\t' read -r a b want got; do
      diag "'$a' vs '$b': want $want, got $got"
    done
    sed 's/^/#   /' "$TMP/err" | head -5
  fi
}

run_file "$DIR/deb.tsv" deb
run_file "$DIR/apk.tsv" apk
run_file "$DIR/rpm.tsv" rpmvercmp
run_file "$DIR/rpm-evr.tsv" rpm

# apk-extra.txt: validity lines (V must be valid, !V invalid) through --valid; its fuzzy
# operator lines (~, <~, >~, !~) are checked by the unit test (test_version).
if [ -f "$DIR/apk-extra.txt" ]; then
  total=0; pass=0
  while IFS= read -r line; do
    case $line in '#'*|*$'\t'*) continue ;; esac
    total=$((total + 1))
    if [ "${line#!}" != "$line" ]; then want=invalid; v=${line#!}; else want=valid; v=$line; fi
    got=$("$LS" vercmp apk --valid -- "$v" 2>/dev/null)
    if [ "$got" = "$want" ]; then pass=$((pass + 1)); else diag "'$v': want $want, got $got"; fi
  done <"$DIR/apk-extra.txt"
  diag "apk-extra.txt validity: $pass/$total cases pass"
  if [ "$pass" -eq "$total" ] && [ "$total" -gt 0 ]; then ok "apk-extra.txt validity: $pass/$total"
  else not_ok "apk-extra.txt validity: $pass/$total"; fi
fi

done_testing
