#!/bin/bash
# hadolint's own rule specs (../shared/oracle/lint/hadolint, 1,028 cases) through
# `layerscope lint --format json`. A case passes when every id in expected.txt fires, no id in
# not.txt fires and count.txt's exact counts hold ("SC*" stands for any ShellCheck code).
# One TAP line per rule id (pass/total; the line fails if any case of the rule fails), a diag
# line per failing case, and the total.
#
# Configuration the specs set: meta.json "config" (allowedRegistries -> --trusted-registry,
# labelSchema -> --require-label). Two spec files set their label schema at the describe
# level, which meta.json does not record: DL3050 (schema {required: text}, strict labels) and
# DL3051 (schema {emptylabel: text}); they are given here. DL1001 and DL3057 are off by
# default in hadolint (its spec calls the rule directly), so their cases enable them.
# ShellCheck runs only for the Shellcheck-* cases (one process start per case otherwise).
# The ONBUILD Shellcheck-* cases carry "SC*=1" in count.txt, but the spec's helper there
# (failsShellcheck) asserts at least one SC finding, so that count is read as a minimum.
. "$SRCDIR/tests/lib.sh"

CASES=$ORACLE/lint/hadolint
if [ ! -d "$CASES" ]; then
  skip "hadolint conformance: $CASES not found (peer test data absent)"
  done_testing
  exit 0
fi
if ! command -v shellcheck >/dev/null 2>&1; then
  apt-get install -y -qq shellcheck >/dev/null 2>&1 || true
fi
HAVE_SC=0
command -v shellcheck >/dev/null 2>&1 && HAVE_SC=1

python3 - "$LS" "$CASES" "$TMP" "$HAVE_SC" >"$TMP/results" <<'EOF'
import concurrent.futures, json, os, re, subprocess, sys
ls, cases_dir, tmp, have_sc = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
types = {"RawText": "text", "Url": "url", "Spdx": "spdx", "SemVer": "semver",
         "GitHash": "hash", "Rfc3339": "rfc3339", "Email": "email"}
env = {k: v for k, v in os.environ.items()
       if not k.startswith("HADOLINT_") and not k.startswith("LAYERSCOPE_")}
env["LAYERSCOPE"] = ls
env["HOME"] = env["XDG_CONFIG_HOME"] = tmp  # no user config (hadolint.yaml, .shellcheckrc)

def read_lines(path):
    try:
        with open(path) as f:
            return [l.strip() for l in f if l.strip()]
    except FileNotFoundError:
        return []

def options(case, meta):
    opts = []
    cfg = meta.get("config", "def")
    m = re.search(r"allowedRegistries\s*=\s*\[(.*?)\]", cfg)
    if m:
        for reg in re.findall(r'"([^"]*)"', m.group(1)):
            opts += ["--trusted-registry", reg]
    for name, typ in re.findall(r'\(\s*"([^"]+)"\s*,\s*(?:Rule\.)?(\w+)\s*\)', cfg):
        opts += ["--require-label", name + ":" + types.get(typ, "text")]
    rule = case.split("-")[0]
    if rule == "DL3050":
        opts += ["--require-label", "required:text", "--strict-labels"]
    if rule == "DL3051":
        opts += ["--require-label", "emptylabel:text"]
    if rule in ("DL1001", "DL3057"):
        opts += ["--info", rule]
    if rule != "Shellcheck":
        opts += ["--no-shellcheck"]
    return opts

def matches(code, want):
    return code.startswith("SC") if want == "SC*" else code == want

def run(case):
    d = os.path.join(cases_dir, case)
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    cmd = [ls, "lint", "--format", "json", "--no-fail"] + options(case, meta) + [
        os.path.join(d, "Dockerfile")]
    p = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        return case, False, "exit %d: %s" % (p.returncode, p.stderr.strip()[:200])
    try:
        codes = [f["code"] for f in json.loads(p.stdout or "[]")]
    except ValueError:
        return case, False, "bad JSON output"
    why = []
    for want in read_lines(os.path.join(d, "expected.txt")):
        if not any(matches(c, want) for c in codes):
            why.append("missing " + want)
    for bad in read_lines(os.path.join(d, "not.txt")):
        if any(matches(c, bad) for c in codes):
            why.append("unexpected " + bad)
    # hadolint's failsShellcheck helper asserts "at least one SC finding"; the count the
    # extraction wrote for its ONBUILD variants is read that way.
    at_least = any("failsShellcheck" in h for h in meta.get("helpers", []))
    for line in read_lines(os.path.join(d, "count.txt")):
        want, n = line.rsplit("=", 1)
        got = sum(1 for c in codes if matches(c, want))
        if (got < int(n)) if (at_least and want == "SC*") else (got != int(n)):
            why.append("%s fired %d times, want %s" % (want, got, n))
    return case, not why, "; ".join(why)

cases = sorted(e for e in os.listdir(cases_dir) if os.path.isdir(os.path.join(cases_dir, e)))
with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    results = list(pool.map(run, cases))
for case, ok, why in results:
    group = case.split("-")[0]
    skipped = group == "Shellcheck" and not have_sc
    print("%s\t%s\t%s\t%s" % (group, "skip" if skipped else ("pass" if ok else "fail"), case, why))
EOF

total=0 passed=0 skipped=0
declare -A g_total g_pass
groups=()
while IFS=$'\t' read -r group status case why; do
  if [ -z "${g_total[$group]+x}" ]; then groups+=("$group"); g_total[$group]=0; g_pass[$group]=0; fi
  if [ "$status" = skip ]; then skipped=$((skipped + 1)); continue; fi
  total=$((total + 1)); g_total[$group]=$((g_total[$group] + 1))
  if [ "$status" = pass ]; then passed=$((passed + 1)); g_pass[$group]=$((g_pass[$group] + 1)); fi
done <"$TMP/results"

for group in "${groups[@]}"; do
  if [ "${g_total[$group]}" = 0 ]; then
    skip "$group: shellcheck is not installed (Debian package shellcheck)"
  elif [ "${g_pass[$group]}" = "${g_total[$group]}" ]; then
    ok "$group: ${g_pass[$group]}/${g_total[$group]} cases"
  else
    not_ok "$group: ${g_pass[$group]}/${g_total[$group]} cases"
    awk -F'\t' -v g="$group" '$1 == g && $2 == "fail" { print "#   failing: " $3 " (" $4 ")" }' "$TMP/results"
  fi
done
[ "$total" -gt 0 ] || not_ok "no hadolint case ran"
diag "$passed/$((total + skipped)) cases pass ($skipped skipped)"
done_testing
