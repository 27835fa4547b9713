#!/usr/bin/env bash
# `layerscope report`: the HTML page parses and shows the same figures as `layers --json`,
# `analyze --json`, `scan --format json` and `sbom`; image-made names (an XSS fixture) appear
# as text; nothing is loaded from the network; `--format json` matches the same verbs; headless
# chromium renders it and runs its script.
. "$SRCDIR/tests/lib.sh"
ensure_fixtures
export HOME=$TMP/home # no default advisory database
unset XDG_CACHE_HOME
DB=$TMP/adv.db
"$LS" db import --db "$DB" "$SRC/tests/fixtures/advisories" >/dev/null
deb=$FIXTURES/vuln-debian.tar
xss=$FIXTURES/xss-names.tar
sec=$FIXTURES/secrets.tar
page() { python3 "$SRC/tests/e2e/report_html.py" "$1"; }
# same DESC JQ-EXPR: the expression, with $h (the page's facts) and $v (the other verb's JSON)
same() { check_eq "$1" true "$(jq -n --slurpfile h "$TMP/h.json" --slurpfile v "$TMP/v.json" "\$h[0] as \$h | \$v[0] as \$v | $2")"; }

# ---- exit codes ----
check_exit "html to stdout: exit 0" 0 "$LS" report --db "$DB" "$deb"
cp "$TMP/out" "$TMP/deb.html"
check_exit "-o FILE: exit 0" 0 "$LS" report --db "$DB" -o "$TMP/deb-o.html" "$deb"
check "-o writes the page it would print" cmp "$TMP/deb.html" "$TMP/deb-o.html"
check_exit "--help" 0 "$LS" report --help
check_exit "no IMAGE" 2 "$LS" report
check_exit "two IMAGEs" 2 "$LS" report "$deb" "$deb"
check_exit "unknown format" 2 "$LS" report --format pdf "$deb"
check_exit "unknown scanner" 2 "$LS" report --scanners nope "$deb"
check_exit "--db that does not exist is an input error" 2 "$LS" report --db "$TMP/none.db" "$deb"
check_exit "a broken image is an input error" 2 "$LS" report "$FIXTURES/bad-layer-digest.tar"
cp "$TMP/err" "$TMP/bad.err"
check_eq "  … with one line naming it" 1 "$(grep -c 'bad-layer-digest.tar: layer 1' "$TMP/bad.err")"
check_exit "an unwritable -o is an error" 2 "$LS" report -o "$TMP/no/such/dir.html" "$deb"

# ---- the page: sections, and the figures the other verbs print ----
page "$TMP/deb.html" >"$TMP/h.json"
check_eq "html.parser reads it: every section" '["image","verdict","layers","waste","vulnerabilities","secrets","packages"]' \
  "$(jq -c '[.ids[] | select(IN("image","verdict","layers","waste","vulnerabilities","secrets","packages"))]' "$TMP/h.json")"
"$LS" layers --json "$deb" >"$TMP/v.json"
same "header: size, layers, files, digest, id = layers --json" \
  '[$h.fields.sizeBytes, $h.fields.layers, $h.fields.files, $h.fields.digest, $h.fields.configDigest] ==
   ([$v.image.sizeBytes, $v.image.layers, $v.image.files] | map(tostring)) + [$v.image.manifestDigest, $v.image.configDigest]'
same "header: platform" '$h.fields.platform == "\($v.image.os)/\($v.image.architecture)"'
same "layers table: index, size, files, command = layers --json" '$h.layers == [$v.layers[] | [.index, .size, .files, .command]]'
check_eq "the largest layer is marked" 1 "$(grep -c '<tr data-layer="1" class="largest">' "$TMP/deb.html")"
"$LS" analyze --json - "$deb" >"$TMP/v.json"
same "efficiency card = analyze --json efficiencyScore" '$h.metrics.efficiency == $v.image.efficiencyScore'
same "wasted card = analyze --json inefficientBytes" '$h.metrics.wastedBytes == $v.image.inefficientBytes'
same "inefficient files = analyze --json fileReference" '$h.inefficient == [$v.image.fileReference[] | [.file, .count, .sizeBytes]]'
same "advice = analyze --json advice" '$h.advice == [$v.layerscope.advice[].text] and ($h.advice | length) > 0'
"$LS" scan --db "$DB" --format json "$deb" >"$TMP/v.json"
same "vulnerabilities table = scan --format json" \
  '$h.vulns == [$v.vulnerabilities[] | [.name, .package, .installedVersion, (.fixedVersion // "no fix yet"), .severity]]'
same "severity counts = scan severityCounts" '$h.severities == $v.severityCounts and $h.metrics.vulnerabilities == ($v.vulnerabilities | length)'
"$LS" sbom --format json "$deb" >"$TMP/v.json"
same "packages card and types = sbom" '$h.metrics.packages == ($v.packages | length) and $h.packageTypes == ($v.packages | group_by(.type) | map({(.[0].type): length}) | add)'

"$LS" report "$sec" >"$TMP/sec.html" && page "$TMP/sec.html" >"$TMP/h.json"
"$LS" scan --scanners secret --format json "$sec" >"$TMP/v.json"
same "secrets table = scan --scanners secret (rule, path, masked match, layer)" \
  '$h.secrets == [$v.secrets[] | [.ruleId, .path, .match, .layer]] and $h.metrics.secrets == ($v.secrets | length)'
check "no secret appears in full" sh -c "! grep -q -e AKIAIOSFODNN7EXAMPLE -e hunter2 -e wJalrXUtnFEMI -e glpat-Abcdef '$TMP/sec.html'"

# ---- no database: the section says how to get one ----
"$LS" report "$deb" >"$TMP/nodb.html"
check_eq "without a database: exit 0" 0 $?
page "$TMP/nodb.html" >"$TMP/h.json"
check_eq "  … the card says not scanned" null "$(jq .metrics.vulnerabilities "$TMP/h.json")"
check "  … the section says how to get one" grep -q 'layerscope db import PATH' "$TMP/nodb.html"
"$LS" report --scanners secret --db "$DB" "$deb" >"$TMP/novuln.html"
check "--scanners secret leaves vulnerabilities out" grep -q 'not scanned (--scanners left out vuln)' "$TMP/novuln.html"

# ---- hostile names: text, never markup; nothing loaded from anywhere ----
"$LS" report "$xss" >"$TMP/xss.html"
check_eq "XSS fixture: exit 0" 0 $?
page "$TMP/xss.html" >"$TMP/h.json"
check_eq "file names appear as text" \
  '["/x/\"onmouseover=alert(1) x=\"","/x/<script>alert(1)</script>","/x/it'"'"'s & <b>bold</b>"]' \
  "$(jq -c '[.inefficient[][0]] | sort' "$TMP/h.json")"
check_eq "commands appear as text" '["#(nop) COPY <img src=x onerror=alert(1)> /x","RUN echo \"</code></td><script>alert(2)</script>\""]' \
  "$(jq -c '[.layers[][3]]' "$TMP/h.json")"
check_eq "a secret's path appears as text" '"/x/<i>key</i>.txt"' "$(jq -c '.secrets[0][1]' "$TMP/h.json")"
check_eq "one script element (ours), no img/b/i elements, no event handlers" '[1,null,null,null,[]]' \
  "$(jq -c '[.tags.script, .tags.img, .tags.b, .tags.i, .handlers]' "$TMP/h.json")"
check "escaped in the source" grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$TMP/xss.html"
check "quotes escaped in the source" grep -q '&quot;onmouseover=alert(1) x=&quot;' "$TMP/xss.html"
for f in deb nodb xss sec; do
  check_eq "$f: no src/href to http(s) in link/script/img/style/…, no url()/@import" '[[],[]]' \
    "$(page "$TMP/$f.html" | jq -c '[.external, .styleLoads]')"
done
check "no http:// or https:// in any src= or href= but advisory links" \
  sh -c "! grep -o -E '(src|href)=\"[^\"]*' '$TMP/xss.html' '$TMP/nodb.html' '$TMP/sec.html' | grep -E 'https?:'"

# ---- --format json: the same data as one document ----
"$LS" report --format json --db "$DB" "$deb" >"$TMP/r.json"
check_eq "--format json: valid, the documented keys" '["image","layers","efficiency","inefficientFiles","vulnerabilities","secrets","packages"]' \
  "$(jq -c 'keys_unsorted' "$TMP/r.json")"
cp "$TMP/r.json" "$TMP/h.json"
"$LS" layers --json "$deb" >"$TMP/v.json"
same "json: layers = layers --json" '$h.layers == $v.layers'
same "json: image = layers --json image (plus digest, created)" '($h.image | del(.digest, .created, .variant)) == $v.image'
"$LS" analyze --json - "$deb" >"$TMP/v.json"
same "json: efficiency = analyze --json" \
  '[$h.efficiency.efficiencyScore, $h.efficiency.inefficientBytes, $h.efficiency.sizeBytes, $h.efficiency.reclaimableBytes] ==
   [$v.image.efficiencyScore, $v.image.inefficientBytes, $v.image.sizeBytes, $v.layerscope.reclaimableBytes]'
same "json: inefficientFiles = fileReference" '$h.inefficientFiles == $v.image.fileReference'
same "json: advice = analyze --json advice" '$h.efficiency.advice == $v.layerscope.advice'
"$LS" scan --db "$DB" --scanners vuln,secret --format json "$deb" >"$TMP/v.json"
same "json: findings and counts = scan --format json" '$h.vulnerabilities.findings == $v.vulnerabilities and $h.vulnerabilities.counts == $v.severityCounts'
same "json: secrets = scan" '$h.secrets == $v.secrets'
"$LS" report --format json "$sec" >"$TMP/h.json"
"$LS" scan --scanners secret --format json "$sec" >"$TMP/v.json"
same "json: planted secrets = scan --scanners secret" '$h.secrets == $v.secrets and ($h.secrets | length) > 5'
same "json: no database, a note" '$h.vulnerabilities.scanned == false and ($h.vulnerabilities.note | test("No advisory database"))'

# ---- headless chromium: it renders, and the script runs ----
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
  skip "chromium screenshot (chromium is not installed: scripts/install-deps.sh test)"
  skip "chromium runs the page's script (chromium is not installed)"
else
  run_chrome() { timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$TMP/chrome" "$@" 2>>"$TMP/chrome.log"; }
  run_chrome --screenshot="$TMP/shot.png" --window-size=1280,2000 "file://$TMP/deb.html" >/dev/null
  check_eq "chromium: a non-empty PNG screenshot" '89504e47' "$(head -c 4 "$TMP/shot.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')"
  run_chrome --dump-dom "file://$TMP/xss.html" >"$TMP/dom.html"
  check "chromium: the script ran (data-report-js, sortable tables)" \
    sh -c "grep -q 'data-report-js=\"ready\"' '$TMP/dom.html' && grep -q 'data-sortable=\"ready\"' '$TMP/dom.html'"
  check "chromium: hostile names stayed text in the live DOM" sh -c "! grep -q '<script>alert' '$TMP/dom.html'"
  # Click the severity header twice and filter for "curl": a script appended to a copy of the page.
  cat >"$TMP/drive.js" <<'JS'
var t = document.getElementById("vuln-table"), th = t.tHead.rows[0].cells[4];
th.click(); var up = t.tBodies[0].rows[0].getAttribute("data-severity");
th.click(); var down = t.tBodies[0].rows[0].getAttribute("data-severity");
var box = document.querySelector("input[data-filter=vuln-table]");
box.value = "curl"; box.dispatchEvent(new Event("input"));
document.body.setAttribute("data-test", [up, down, document.getElementById("vuln-shown").textContent].join(","));
JS
  python3 -c 'import sys; p = open(sys.argv[1]).read(); print(p.replace("</body>", "<script>" + open(sys.argv[2]).read() + "</script></body>"))' \
    "$TMP/deb.html" "$TMP/drive.js" >"$TMP/drive.html"
  run_chrome --dump-dom "file://$TMP/drive.html" >"$TMP/dom.html"
  check_eq "chromium: sorting by severity both ways, then the filter box" 'UNDEFINED,HIGH,1' \
    "$(grep -o 'data-test="[^"]*"' "$TMP/dom.html" | cut -d'"' -f2)"
fi
# Names that are not UTF-8 stay in the JSON (bad bytes as U+FFFD), as in the HTML and analyze.
bad=$FIXTURES/non-utf8-names.tar
"$LS" report --format json "$bad" >"$TMP/bad.json"
check_eq "non-UTF-8 names: inefficient files kept in report --format json" \
  '["/x/a\ufffd.bin","/x/caf\ufffd.txt"]' "$(jq -c '[.inefficientFiles[].file] | sort' "$TMP/bad.json" | sed 's/\xef\xbf\xbd/\\ufffd/g')"
check_eq "…as many as analyze --json lists" "$("$LS" analyze --json - "$bad" | jq '.image.fileReference | length')" \
  "$(jq '.inefficientFiles | length' "$TMP/bad.json")"
check_eq "…the secret's path is kept" '/x/s\ufffdcret.env' \
  "$("$LS" scan --scanners secret --format json "$bad" | jq -r '.secrets[0].path' | sed 's/\xef\xbf\xbd/\\ufffd/g')"
done_testing
