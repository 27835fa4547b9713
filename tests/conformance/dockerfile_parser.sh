#!/usr/bin/env bash
# BuildKit's parser test files (../shared/oracle/lint/parser): every `testfiles` Dockerfile
# dumps to BuildKit's `result`, the negative ones fail, instruction line ranges, heredocs.
. "$SRCDIR/tests/lib.sh"
P=$ORACLE/lint/parser
if [ ! -d "$P/testfiles" ]; then
  skip "BuildKit parser oracle absent ($P): conformance NOT checked"
  done_testing; exit 0
fi

pass=0 total=0
for dir in "$P"/testfiles/*/; do
  name=$(basename "$dir")
  total=$((total + 1))
  : >"$TMP/diff"
  if "$LS" lint --dump-ast "$dir/Dockerfile" >"$TMP/ast" 2>"$TMP/err" && diff -u "$dir/result" "$TMP/ast" >"$TMP/diff"; then
    ok "testfiles/$name"; pass=$((pass + 1))
  else
    not_ok "testfiles/$name"; sed 's/^/#   /' "$TMP/diff" "$TMP/err" | head -20
  fi
done
for dir in "$P"/testfiles-negative/*/; do
  name=$(basename "$dir")
  total=$((total + 1))
  "$LS" lint --dump-ast "$dir/Dockerfile" >/dev/null 2>"$TMP/err"; rc=$?
  if [ $rc = 2 ] && [ "$(wc -l <"$TMP/err")" = 1 ]; then
    ok "testfiles-negative/$name fails to parse"; pass=$((pass + 1))
  else
    not_ok "testfiles-negative/$name fails to parse (exit $rc)"
  fi
done

# testfile-line: instructions span {5,5}, {11,12} and {17,31} (hidden --dump-lines prints them).
total=$((total + 1))
lines=$("$LS" lint --dump-lines "$P/testfile-line/Dockerfile" 2>&1 | tr '\n' ' ')
if [ "$lines" = "5-5 11-12 17-31 " ]; then ok "testfile-line ranges"; pass=$((pass + 1))
else not_ok "testfile-line ranges"; diag "got: $lines"; fi

# heredoc forms: names, expansion, chomping, fds; USER <<X and RUN "<<X" are not heredocs.
total=$((total + 1))
"$LS" lint --dump-heredocs "$P/heredoc/Dockerfile" >"$TMP/heredocs" 2>"$TMP/err"
cat >"$TMP/want" <<'WANT'
11 RUN EMPTY true false 0 ""
14 RUN EMPTY2 true false 3 ""
19 RUN INDENT true false 0 "\tfoo\n\tbar\n"
24 RUN UNINDENT true true 0 "baz\nquux\n"
29 RUN UNINDENT2 true true 0 "baz\nquux\n"
34 RUN EXPAND true true 0 "expand $NAME\n"
38 RUN NOEXPAND false true 0 "don't expand $NAME\n"
42 RUN COPY true false 0 "echo hello world\necho foo bar\n"
47 RUN COMMENT true false 0 "# internal comment\necho hello world\necho foo bar # trailing comment\n"
53 RUN MOUNT true false 0 "echo hello\n"
57 COPY FILE1 true false 0 "content 1\n"
57 COPY FILE2 true false 0 "content 2\n"
63 COPY EOF true false 0 "\"foo\"\n'bar'\n"
68 COPY X true false 0 "Y\n"
68 COPY Y true false 0 "X\n"
74 RUN COMPLEX true false 0 "print('hello world')\n"
78 COPY file.txt true false 0 "hello world\n"
82 RUN eof false false 0 "echo foo\n"
86 RUN eo'f true false 0 "echo foo\n"
90 RUN eo'f false false 0 "echo foo\n"
94 RUN one two false false 0 "echo bar\n"
98 RUN $EOF true false 0 ""
WANT
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    print(d["line"], d["instruction"], d["name"], str(d["expand"]).lower(), str(d["chomp"]).lower(), d["fd"], json.dumps(d["content"]))
' "$TMP/heredocs" >"$TMP/got"
if diff -u "$TMP/want" "$TMP/got" >"$TMP/diff"; then ok "heredoc forms"; pass=$((pass + 1))
else not_ok "heredoc forms"; sed 's/^/#   /' "$TMP/diff" | head -30; fi

diag "$pass/$total cases pass"
done_testing
