#!/usr/bin/env bash
# .dockerignore conformance: every row of ../shared/oracle/lint/dockerignore.tsv (moby/
# patternmatcher's own test table) through `layerscope context --ignore-file F --check PATH`,
# the patterns written to F one per line. Rows whose patterns a .dockerignore file cannot
# express (the file reader trims lines, drops a leading '/', treats '#' lines as comments and
# splits at newlines, while the table feeds patternmatcher.New directly) are counted apart.
. "$(dirname "$0")/../lib.sh"

TABLE=$ORACLE/lint/dockerignore.tsv
if [ ! -f "$TABLE" ]; then
  skip "dockerignore conformance: $TABLE is absent (oracle data not available)"
  done_testing
  exit 0
fi

# One record per row: id, expressible (1/0), path, expected; patterns go to $TMP/row<id>.
python3 - "$TABLE" "$TMP" >"$TMP/rows" <<'EOF'
import json, sys
table, tmp = sys.argv[1], sys.argv[2]

def expressible(p):
    # What ignorefile.ReadAll would turn this line into must be what New gets directly.
    if '\n' in p or '\r' in p or p.startswith('#'):
        return False
    if p != p.strip():
        return False
    body = p[1:] if p.startswith('!') else p
    if p.startswith('!') and body != body.strip():
        return False
    if len(body) > 1 and body.startswith('/'):
        return False
    return True

n = 0
for line in open(table, encoding='utf-8'):
    line = line.rstrip('\n')
    if not line or line.startswith('#'):
        continue
    pats, path, expected = line.split('\t')
    n += 1
    if pats.startswith('["') or pats == '[]':
        plist = json.loads(pats)
    else:
        plist = pats.split(',')
    ok = all(expressible(p) for p in plist)
    with open(f'{tmp}/row{n}', 'w', encoding='utf-8') as f:
        f.write(''.join(p + '\n' for p in plist))
    print(f'{n}\t{int(ok)}\t{path}\t{expected}\t{pats}')
EOF

total=0 pass=0 inexpressible=0 failed_ids=()
while IFS=$'\t' read -r id expr path expected pats; do
  total=$((total + 1))
  if [ "$expr" = 0 ]; then
    inexpressible=$((inexpressible + 1))
    skip "row $id: patterns $pats not expressible in a .dockerignore file"
    continue
  fi
  out=$("$LS" context --ignore-file "$TMP/row$id" --check "$path" 2>"$TMP/err")
  rc=$?
  case "$rc:$out" in
    0:*$'\texcluded') got=match ;;
    0:*$'\tincluded') got=nomatch ;;
    2:) got=error ;;
    *) got="exit $rc: $out" ;;
  esac
  # An error must name the offending pattern.
  if [ "$got" = error ] && ! grep -q 'pattern' "$TMP/err"; then
    got="error without the pattern named: $(cat "$TMP/err")"
  fi
  if [ "$got" = "$expected" ]; then
    pass=$((pass + 1))
    ok "row $id: $pats ~ $path -> $expected"
  else
    failed_ids+=("$id")
    not_ok "row $id: $pats ~ $path -> want $expected, got $got"
  fi
done <"$TMP/rows"

expressible=$((total - inexpressible))
diag "$pass/$expressible cases pass (expressible rows; $inexpressible of $total rows not expressible in a .dockerignore file)"
[ ${#failed_ids[@]} -eq 0 ] || diag "failing rows: ${failed_ids[*]}"
done_testing
