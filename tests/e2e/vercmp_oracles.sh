#!/usr/bin/env bash
# layerscope vercmp against the real tools on this machine: dpkg --compare-versions on pairs
# of the Debian archive's own version strings, rpm's rpmvercmp() and rpmverCmp() (via rpm's
# Lua) on generated and real strings, and, when present, pypa/packaging (PEP 440), Maven's
# ComparableVersion (maven-artifact jar) and npm's semver. Fixed seeds: same pairs each run.
. "$SRCDIR/tests/lib.sh"

PAIRS=${VERCMP_ORACLE_PAIRS:-3000}

# compare_with NAME ECOSYSTEM PAIRS EXPECTED: one TAP line with the agreement count.
compare_with() {
  local name=$1 eco=$2 pairs=$3 expected=$4
  "$LS" vercmp "$eco" --batch <"$pairs" >"$TMP/got" 2>"$TMP/got.err"
  local total agree
  total=$(wc -l <"$pairs")
  paste "$pairs" "$expected" "$TMP/got" | awk -F'\t' '$3 != $4' >"$TMP/disagree"
  agree=$((total - $(wc -l <"$TMP/disagree")))
  if [ "$(wc -l <"$expected")" -ne "$total" ] || [ "$total" -eq 0 ]; then
    not_ok "$name: oracle gave $(wc -l <"$expected") answers for $total pairs"
  elif [ "$agree" -eq "$total" ]; then
    ok "$name: $agree/$total pairs agree"
  else
    not_ok "$name: $agree/$total pairs agree"
    head -20 "$TMP/disagree" | while IFS=$'\t' read -r a b want got; do
      diag "'$a' vs '$b': oracle $want, layerscope $got"
    done
  fi
}

# pick_pairs FILE SEED N: N pairs of lines of FILE, half random, half near neighbours in the
# sorted list (close versions, where ordering rules matter most).
pick_pairs() {
  awk -v seed="$2" -v n="$3" '{ v[NR] = $0 } END {
    srand(seed)
    for (k = 0; k < n; k++) {
      i = int(rand() * NR) + 1
      if (k % 2) j = int(rand() * NR) + 1
      else { j = i + int(rand() * 7) - 3; if (j < 1) j = 1; if (j > NR) j = NR }
      print v[i] "\t" v[j]
    }
  }' "$1"
}

# --- dpkg ------------------------------------------------------------------------------
if command -v dpkg >/dev/null && command -v apt-cache >/dev/null; then
  # Versions of every package, and those in dependency fields (many '~' and epochs).
  apt-cache dumpavail 2>/dev/null | awk '
    /^Version: / { print $2 }
    /^(Depends|Pre-Depends|Breaks|Conflicts|Replaces|Provides|Recommends|Suggests): / {
      while (match($0, /\([<>=]+ [^)]+\)/)) {
        s = substr($0, RSTART + 1, RLENGTH - 2); sub(/^[<>=]+ /, "", s); print s
        $0 = substr($0, RSTART + RLENGTH)
      }
    }' | sort -u >"$TMP/debvers"
  if [ "$(wc -l <"$TMP/debvers")" -lt 1000 ]; then
    skip "dpkg oracle: apt lists hold only $(wc -l <"$TMP/debvers") versions (run apt-get update)"
  else
    diag "dpkg oracle: $(wc -l <"$TMP/debvers") distinct Debian version strings"
    pick_pairs "$TMP/debvers" 6 "$PAIRS" >"$TMP/deb.pairs"
    while IFS=$'\t' read -r a b; do
      if dpkg --compare-versions "$a" lt "$b"; then echo '<'
      elif dpkg --compare-versions "$a" eq "$b"; then echo '='
      else echo '>'; fi
    done <"$TMP/deb.pairs" >"$TMP/deb.want"
    compare_with "dpkg --compare-versions (archive versions)" deb "$TMP/deb.pairs" "$TMP/deb.want"
  fi
else
  skip "dpkg oracle: dpkg/apt-cache not installed"
fi

# --- rpm -------------------------------------------------------------------------------
if ! command -v rpm >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get install -y -qq rpm >/dev/null 2>&1
fi
if command -v rpm >/dev/null; then
  # Generated strings over the characters rpmvercmp treats specially, plus real versions.
  awk -v n=1500 'BEGIN {
    srand(7)
    split("0 1 2 9 10 00 01 a b z A Z rc fc el . . - _ + ~ ~ ^ ^ :", alpha, " ")
    for (k = 0; k < n; k++) {
      s = ""; len = 1 + int(rand() * 7)
      for (i = 0; i < len; i++) s = s alpha[int(rand() * length(alpha)) + 1]
      print s
    }
  }' | sort -u >"$TMP/rpmgen"
  cat "$TMP/rpmgen" "${TMP}/debvers" 2>/dev/null | grep -v '^$' | sort -u >"$TMP/rpmvers"
  pick_pairs "$TMP/rpmvers" 8 "$PAIRS" >"$TMP/rpm.pairs"
  # One rpm process. rpm.ver() objects compare with rpmverCmp() (the EVR order); rpm 4.18's
  # rpm.vercmp() parses EVRs too, so wrapping both strings as "0:" .. s .. "-0" (epoch 0,
  # release 0, version = s exactly, whatever '-' or ':' it holds) gives plain rpmvercmp().
  rpm --eval "%{lua:
    local out = {}
    for line in io.lines('$TMP/rpm.pairs') do
      local a, b = line:match('^([^\t]*)\t([^\t]*)$')
      local c = rpm.vercmp('0:' .. a .. '-0', '0:' .. b .. '-0')
      local va, vb = rpm.ver(a), rpm.ver(b)
      local e = (va < vb) and '<' or ((va == vb) and '=' or '>')
      out[#out + 1] = (c < 0 and '<' or (c > 0 and '>' or '=')) .. '\t' .. e
    end
    io.write(table.concat(out, '\n'), '\n')
  }" >"$TMP/rpm.both" 2>"$TMP/rpm.err"
  sed -i '/^$/d' "$TMP/rpm.both" # rpm --eval ends the expansion with its own newline
  cut -f1 "$TMP/rpm.both" >"$TMP/rpmvercmp.want"
  cut -f2 "$TMP/rpm.both" >"$TMP/rpmevr.want"
  compare_with "rpm's rpmvercmp() (generated + archive strings)" rpmvercmp \
    "$TMP/rpm.pairs" "$TMP/rpmvercmp.want"
  compare_with "rpm.ver() comparison = rpmverCmp() ([epoch:]version[-release])" rpm \
    "$TMP/rpm.pairs" "$TMP/rpmevr.want"
else
  skip "rpm oracle: the rpm package is not installed and cannot be"
fi

# --- optional oracles: PEP 440, Maven, npm semver --------------------------------------
# Random versions in each grammar, including invalid spellings.
gen_versions() {
  awk -v kind="$1" -v seed="$2" -v n=500 '
    function pick(list,   a) { split(list, a, " "); return a[int(rand() * length(a)) + 1] }
    function num() { return pick("0 1 2 9 10 01 007 00 123 20191109021931") }
    function sep() { return pick("_ . - _ . - _ . -") }
    function osep() { return rand() < 0.5 ? "" : sep() }
    BEGIN {
      srand(seed)
      for (k = 0; k < n; k++) {
        if (kind == "pep440") {
          s = (rand() < 0.2 ? "v" : "") (rand() < 0.1 ? num() "!" : "") num()
          m = int(rand() * 3); for (i = 0; i < m; i++) s = s "." num()
          if (rand() < 0.4) s = s osep() pick("a alpha b beta c rc pre preview RC A") osep() (rand() < 0.7 ? num() : "")
          if (rand() < 0.3) s = s (rand() < 0.3 ? "-" num() : osep() pick("post rev r") osep() (rand() < 0.7 ? num() : ""))
          if (rand() < 0.3) s = s osep() "dev" osep() (rand() < 0.7 ? num() : "")
          if (rand() < 0.2) { s = s "+" pick("ubuntu 1 abc 02 x9"); if (rand() < 0.5) s = s sep() pick("ubuntu 1 abc 02") }
          if (rand() < 0.05) s = s pick(". - x +")
        } else if (kind == "maven") {
          s = pick("1 0 2 10")
          m = int(rand() * 6)
          for (i = 0; i < m; i++)
            s = s pick(". . - - _") pick("1 0 2 10 00 alpha a b m beta rc cr snapshot SNAPSHOT ga final release sp foo RC Final x 12345678901 1234567890123456789012")
          gsub(/_/, "", s)
        } else {
          s = (rand() < 0.2 ? "v" : "") pick("0 1 2 10") "." pick("0 1 2 10") "." pick("0 1 2 10 01")
          if (rand() < 0.5) { s = s "-" pick("alpha beta rc 1 0 2 11 x-y a1 01"); if (rand() < 0.5) s = s "." pick("1 2 11 beta 0") }
          if (rand() < 0.3) s = s "+" pick("build 1 incompatible x.y")
        }
        print s
      }
    }' | sort -u
}

if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import packaging.version' 2>/dev/null \
   && [ "$(id -u)" = 0 ]; then
  apt-get install -y -qq python3-packaging >/dev/null 2>&1
fi
if [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import packaging.version' 2>/dev/null; then
  gen_versions pep440 9 >"$TMP/pepvers"
  pick_pairs "$TMP/pepvers" 10 "$PAIRS" >"$TMP/pep.pairs"
  /usr/bin/python3 - "$TMP/pep.pairs" >"$TMP/pep.want" <<'PY'
import sys
from packaging.version import Version, InvalidVersion
for line in open(sys.argv[1]):
    a, b = line.rstrip('\n').split('\t')
    try:
        x, y = Version(a), Version(b)
        print('<' if x < y else '>' if x > y else '=')
    except InvalidVersion:
        print('error')
PY
  compare_with "pypa/packaging Version (PEP 440, incl. invalid spellings)" pep440 \
    "$TMP/pep.pairs" "$TMP/pep.want"
else
  skip "PEP 440 oracle: Debian's python3-packaging is not available"
fi

MVN_JAR=$(ls /usr/share/java/maven-artifact-3*.jar 2>/dev/null | head -1)
if command -v java >/dev/null && [ -n "$MVN_JAR" ]; then
  gen_versions maven 11 >"$TMP/mvnvers"
  pick_pairs "$TMP/mvnvers" 12 "$PAIRS" >"$TMP/mvn.pairs"
  cat >"$TMP/MvnOracle.java" <<'JAVA'
import java.io.*;
import org.apache.maven.artifact.versioning.ComparableVersion;
public class MvnOracle {
  public static void main(String[] args) throws Exception {
    BufferedReader r = new BufferedReader(new InputStreamReader(new FileInputStream(args[0]), "UTF-8"));
    StringBuilder out = new StringBuilder();
    for (String line; (line = r.readLine()) != null; ) {
      String[] f = line.split("\t", -1);
      int c = new ComparableVersion(f[0]).compareTo(new ComparableVersion(f[1]));
      out.append(c < 0 ? "<" : c > 0 ? ">" : "=").append('\n');
    }
    System.out.print(out);
  }
}
JAVA
  java -cp "$MVN_JAR" "$TMP/MvnOracle.java" "$TMP/mvn.pairs" >"$TMP/mvn.want" 2>"$TMP/mvn.err"
  compare_with "Maven ComparableVersion ($(basename "$MVN_JAR"))" maven "$TMP/mvn.pairs" "$TMP/mvn.want"
else
  skip "Maven oracle: java or Debian's libmaven3-core-java (maven-artifact jar) not installed"
fi

NODE_SEMVER=""
for d in /usr/share/nodejs/semver /usr/lib/node_modules/npm/node_modules/semver \
         /usr/share/nodejs/npm/node_modules/semver; do
  [ -f "$d/package.json" ] && { NODE_SEMVER=$d; break; }
done
if command -v node >/dev/null && [ -n "$NODE_SEMVER" ]; then
  gen_versions semver 13 >"$TMP/semvers"
  pick_pairs "$TMP/semvers" 14 "$PAIRS" >"$TMP/sem.pairs"
  node -e '
    const semver = require(process.argv[1]);
    const lines = require("fs").readFileSync(process.argv[2], "utf8").split("\n").filter(Boolean);
    console.log(lines.map(l => {
      const [a, b] = l.split("\t");
      if (!semver.valid(a) || !semver.valid(b)) return "error";
      const c = semver.compare(a, b);
      return c < 0 ? "<" : c > 0 ? ">" : "=";
    }).join("\n"));' "$NODE_SEMVER" "$TMP/sem.pairs" >"$TMP/sem.want"
  compare_with "npm semver $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$NODE_SEMVER/package.json" | head -1)" \
    semver "$TMP/sem.pairs" "$TMP/sem.want"
else
  skip "semver oracle: node with the semver module not installed"
fi

done_testing
