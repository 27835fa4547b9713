#!/usr/bin/env bash
# `layerscope lint`: file selection (default Dockerfile / Containerfile, '-'), output formats
# (json, tty, gnu, checkstyle, gitlab_codeclimate, SARIF validated by Microsoft's multitool
# when npm can install it), failure thresholds and exit codes, pragmas, config files and
# HADOLINT_* variables. Findings are BuildKit checks (this suite's own rules); codes from the
# other rule sets are ignored through --ignore so the expectations stay exact.
. "$SRCDIR/tests/lib.sh"
command -v jq >/dev/null || apt-get install -y -qq jq >/dev/null 2>&1
if ! command -v jq >/dev/null; then skip "jq not installable: lint_cli NOT checked"; done_testing; exit 0; fi
export HOME=$TMP/home XDG_CONFIG_HOME=$TMP/xdg
mkdir -p "$HOME" "$XDG_CONFIG_HOME"
unset HADOLINT_IGNORE HADOLINT_FAILURE_THRESHOLD HADOLINT_NOFAIL HADOLINT_OVERRIDE_ERROR \
  HADOLINT_OVERRIDE_WARNING HADOLINT_OVERRIDE_INFO HADOLINT_OVERRIDE_STYLE BUILDKIT_DOCKERFILE_CHECK

W=$TMP/work
mkdir -p "$W"
cd "$W" || exit 1
# StageNameCasing:1 and MaintainerDeprecated:2 (warnings), JSONArgsRecommended:3
cat >bk.Dockerfile <<'EOF'
FROM scratch AS Base
MAINTAINER someone
CMD run
EOF
# Codes other rule sets report on these files: ignore them so only BuildKit's remain.
others=()
for f in bk.Dockerfile; do
  for c in $("$LS" lint --no-shellcheck -f json "$f" 2>/dev/null | jq -r '.[].code' | grep -E '^(DL|SC|LS)' | sort -u); do
    others+=(--ignore "$c")
  done
done
L() { "$LS" lint --no-shellcheck "${others[@]}" "$@"; }
codes() { jq -r '[.[] | "\(.code):\(.line)"] | join(" ")'; }

check "lint --help" "$LS" lint --help
check_eq "--help says ShellCheck needs the shellcheck program" 1 "$("$LS" lint --help | grep -c "need the 'shellcheck' program")"
check_exit "unknown format is a usage error" 2 "$LS" lint -f xml bk.Dockerfile
check_exit "unknown threshold is a usage error" 2 "$LS" lint -t severe bk.Dockerfile
check_exit "missing file: exit 2" 2 "$LS" lint nope.Dockerfile
check_eq "missing file: one line on stderr" 1 "$(wc -l <"$TMP/err")"
check_eq "missing file: 'layerscope: ' prefix" "layerscope: " "$(head -c 12 "$TMP/err")"
printf 'FROM a\nRUN <<EOF\nnever ends\n' >bad.Dockerfile
check_exit "unterminated heredoc: exit 2" 2 "$LS" lint bad.Dockerfile
check_eq "parse error names the line" 1 "$(grep -c 'line 2: unterminated heredoc' "$TMP/err")"
: >empty.Dockerfile
check_exit "an empty file lints clean" 0 "$LS" lint --no-shellcheck empty.Dockerfile

# JSON shape and content
out=$(L -f json --no-fail bk.Dockerfile)
check_eq "json: BuildKit findings" "StageNameCasing:1 MaintainerDeprecated:2 JSONArgsRecommended:3" "$(echo "$out" | codes)"
check_eq "json: keys" '["code","column","file","level","line","message"]' "$(echo "$out" | jq -c '.[0] | keys')"
check_eq "json: values" '["bk.Dockerfile",1,1,"warning"]' "$(echo "$out" | jq -c '.[0] | [.file, .line, .column, .level]')"
check_eq "json: message" "Stage name 'Base' should be lowercase" "$(echo "$out" | jq -r '.[0].message')"

# default files and stdin
mkdir -p d1 d2 d3
cp bk.Dockerfile d1/Dockerfile; cp bk.Dockerfile d2/Containerfile
check_eq "default ./Dockerfile" "bk" "$(cd d1 && L -f json --no-fail | jq -r '.[0].file' | sed 's/Dockerfile/bk/')"
check_eq "then ./Containerfile" "Containerfile" "$(cd d2 && L -f json --no-fail | jq -r '.[0].file')"
check_exit "neither: exit 2" 2 bash -c "cd d3 && '$LS' lint"
check_eq "'-' reads stdin" "StageNameCasing:1 MaintainerDeprecated:2 JSONArgsRecommended:3" "$(L -f json --no-fail - <bk.Dockerfile | codes)"
check_eq "--file-path-in-report names stdin" "x/Dockerfile" "$(L -f json --no-fail --file-path-in-report x/Dockerfile - <bk.Dockerfile | jq -r '.[0].file')"
check_eq "several files" 6 "$(L -f json --no-fail bk.Dockerfile d1/Dockerfile | jq length)"

# thresholds and exit codes (all three findings are warnings)
check_exit "default threshold (info): warnings fail" 1 L bk.Dockerfile
check_exit "-t warning fails" 1 L -t warning bk.Dockerfile
check_exit "-t error passes" 0 L -t error bk.Dockerfile
check_exit "-t none passes" 0 L -t none bk.Dockerfile
check_exit "--no-fail passes" 0 L --no-fail bk.Dockerfile
check_exit "--error CODE raises it past -t error" 1 L -t error --error MaintainerDeprecated bk.Dockerfile
check_exit "--style lowers them all below -t warning" 0 L -t warning --style StageNameCasing --style MaintainerDeprecated --style JSONArgsRecommended bk.Dockerfile
check_eq "--ignore drops a code" "MaintainerDeprecated:2 JSONArgsRecommended:3" "$(L -f json --ignore StageNameCasing bk.Dockerfile | codes)"
check_eq "# check=error=true makes BuildKit checks errors" "error" "$( (echo '# check=error=true'; cat bk.Dockerfile) | L -f json - | jq -r '.[0].level')"
check_eq "# check=skip=...: skipped" "JSONArgsRecommended:4" "$( (echo '# check=skip=StageNameCasing,MaintainerDeprecated'; cat bk.Dockerfile) | L -f json - | codes)"
check_eq "--buildkit-check replaces # check=" "StageNameCasing:2" "$( (echo '# check=skip=all'; cat bk.Dockerfile) | L -f json --buildkit-check 'skip=MaintainerDeprecated,JSONArgsRecommended' - | codes)"

# pragmas
cat >pragma.Dockerfile <<'EOF'
# hadolint ignore=StageNameCasing
FROM scratch AS Base
# layerscope ignore=MaintainerDeprecated
MAINTAINER someone
CMD run
EOF
check_eq "ignore pragmas (hadolint and layerscope)" "JSONArgsRecommended:5" "$(L -f json pragma.Dockerfile | codes)"
check_eq "--disable-ignore-pragma" 3 "$(L -f json --disable-ignore-pragma pragma.Dockerfile | jq length)"
( echo '# hadolint global ignore=JSONArgsRecommended,StageNameCasing'; cat bk.Dockerfile ) >global.Dockerfile
check_eq "global ignore pragma" "MaintainerDeprecated:3" "$(L -f json global.Dockerfile | codes)"

# config files: ./.hadolint.yaml, --config, XDG, and the environment
mkdir -p c1 && cp bk.Dockerfile c1/Dockerfile
printf 'ignored:\n  - StageNameCasing\noverride:\n  error:\n    - JSONArgsRecommended\nfailure-threshold: error\n' >c1/.hadolint.yaml
check_eq ".hadolint.yaml: ignored + override" "MaintainerDeprecated:2:warning JSONArgsRecommended:3:error" \
  "$(cd c1 && L -f json | jq -r '[.[] | "\(.code):\(.line):\(.level)"] | join(" ")')"
check_exit ".hadolint.yaml: failure-threshold error + an error finding" 1 bash -c "cd c1 && '$LS' lint --no-shellcheck ${others[*]} -f json"
printf 'no-fail: true\n' >nofail.yaml
check_exit "--config FILE with no-fail" 0 L --config nofail.yaml bk.Dockerfile
printf 'ignored: [MaintainerDeprecated]\n' >"$XDG_CONFIG_HOME/hadolint.yaml"
check_eq "\$XDG_CONFIG_HOME/hadolint.yaml" "StageNameCasing:1 JSONArgsRecommended:3" "$(L -f json --no-fail bk.Dockerfile | codes)"
rm "$XDG_CONFIG_HOME/hadolint.yaml"
printf 'ignored: [JSONArgsRecommended]\n' >.layerscope.yaml
check_eq "./.layerscope.yaml" "StageNameCasing:1 MaintainerDeprecated:2" "$(L -f json --no-fail bk.Dockerfile | codes)"
rm .layerscope.yaml
printf 'ignored: [oops\n' >broken.yaml
check_exit "invalid config: exit 2" 2 L --config broken.yaml bk.Dockerfile
check_eq "HADOLINT_IGNORE" "JSONArgsRecommended:3" "$(HADOLINT_IGNORE=StageNameCasing,MaintainerDeprecated L -f json bk.Dockerfile | codes)"
check_exit "HADOLINT_FAILURE_THRESHOLD=error" 0 env HADOLINT_FAILURE_THRESHOLD=error "$LS" lint --no-shellcheck "${others[@]}" bk.Dockerfile
check_exit "HADOLINT_NOFAIL=1" 0 env HADOLINT_NOFAIL=1 "$LS" lint --no-shellcheck "${others[@]}" bk.Dockerfile
check_eq "HADOLINT_OVERRIDE_ERROR" "error" "$(HADOLINT_OVERRIDE_ERROR=StageNameCasing L -f json bk.Dockerfile | jq -r '.[0].level')"
check_exit "command line beats the environment" 1 env HADOLINT_NOFAIL=0 HADOLINT_FAILURE_THRESHOLD=error "$LS" lint --no-shellcheck "${others[@]}" -t warning bk.Dockerfile

# the other formats
check_eq "tty" "bk.Dockerfile:1 StageNameCasing warning: Stage name 'Base' should be lowercase" "$(L --no-fail bk.Dockerfile | head -1)"
check_eq "gnu" "bk.Dockerfile:2:1: MaintainerDeprecated warning: Maintainer instruction is deprecated in favor of using label" "$(L -f gnu --no-fail bk.Dockerfile | sed -n 2p)"
L -f checkstyle --no-fail bk.Dockerfile >cs.xml
check "checkstyle is XML with 3 errors" python3 -c '
import sys, xml.etree.ElementTree as ET
r = ET.parse(sys.argv[1]).getroot()
errs = r.findall("./file/error")
assert r.tag == "checkstyle" and len(errs) == 3, errs
assert errs[0].get("source") == "StageNameCasing" and errs[0].get("severity") == "warning"' cs.xml
cc=$(L -f gitlab_codeclimate --no-fail bk.Dockerfile)
check_eq "gitlab_codeclimate" '["StageNameCasing","major","bk.Dockerfile",1,64]' \
  "$(echo "$cc" | jq -c '.[0] | [.check_name, .severity, .location.path, .location.lines.begin, (.fingerprint | length)]')"
L -f sarif --no-fail bk.Dockerfile >out.sarif
check_eq "sarif: version, tool, results" '["2.1.0","layerscope",3,"warning",1,"bk.Dockerfile"]' \
  "$(jq -c '[.version, .runs[0].tool.driver.name, (.runs[0].results | length), .runs[0].results[0].level, .runs[0].results[0].locations[0].physicalLocation.region.startLine, .runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri]' out.sarif)"
check_eq "sarif: every ruleIndex points at its rule" true "$(jq '.runs[0] as $r | [$r.results[] | $r.tool.driver.rules[.ruleIndex].id == .ruleId] | all' out.sarif)"

# Microsoft's SARIF validator (npm @microsoft/sarif-multitool-linux), cached per build dir.
MT_DIR=$BUILD/sarif-multitool
MT=$MT_DIR/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ ! -x "$MT" ] && command -v npm >/dev/null; then
  ( flock 9; [ -x "$MT" ] || { mkdir -p "$MT_DIR" && cd "$MT_DIR" && timeout 300 npm install --no-audit --no-fund --silent @microsoft/sarif-multitool-linux@5.7.0 >/dev/null 2>&1; } ) 9>"$BUILD/.sarif-multitool.lock"
fi
if [ -x "$MT" ] && DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 timeout 120 "$MT" validate out.sarif -o validation.sarif >"$TMP/mt.log" 2>&1; then
  n=$(jq '[.runs[].results[]? | select(.level == "error")] | length' validation.sarif)
  check_eq "Sarif.Multitool validate: no errors" 0 "$n"
  [ "$n" = 0 ] || jq -r '.runs[].results[]? | select(.level == "error") | .message.text // .message.id' validation.sarif | sed 's/^/#   /' | head
else
  skip "Sarif.Multitool not runnable (npm install failed or no .NET support): SARIF NOT validated"
fi
done_testing
