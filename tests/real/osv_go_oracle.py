#!/usr/bin/env python3
"""An independent check of `layerscope scan` on Go binaries against the Go vulndb.

Usage: osv_go_oracle.py OSV_DIR GO_VERSION_M_OUTPUT SCAN_JSON

OSV_DIR holds the vulndb's OSV JSON records, GO_VERSION_M_OUTPUT is what `go version -m DIR`
printed for the image's root, SCAN_JSON is `layerscope scan --format json` of that image.
Written from the OSV schema's evaluation section and the SemVer 2.0 precedence rules, not
from layerscope's code. Prints one line per check: "ok<TAB>what" or "not_ok<TAB>what", with
"#" lines of detail after a failure.
"""
import collections
import json
import os
import re
import sys


# ---- SemVer 2.0 precedence, Go's flavour (an optional "v" prefix) ----

def semver_key(v):
    """A sort key for a SemVer version ("v1.2.3-rc.1+meta"); None when it is not one."""
    m = re.fullmatch(r"v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?", v)
    if not m:
        return None
    core = tuple(int(x) for x in m.group(1, 2, 3))
    if m.group(4) is None:
        return core, (1,)  # a release sorts after all its pre-releases
    ids = []
    for ident in m.group(4).split("."):
        # numeric identifiers sort numerically and before alphanumeric ones
        ids.append((0, int(ident), "") if ident.isdigit() else (1, 0, ident))
    return core, (0, tuple(ids))


def stdlib_version(go):
    """The vulndb's stdlib version for a toolchain: go1.19.8 -> 1.19.8, go1.21rc2 -> 1.21.0-rc.2."""
    m = re.fullmatch(r"go(\d+)\.(\d+)(?:\.(\d+))?(?:(rc|beta)(\d+))?", go.split(" ")[0])
    if not m:
        return None
    v = "%s.%s.%s" % (m.group(1), m.group(2), m.group(3) or "0")
    return v + ("-%s.%s" % (m.group(4), m.group(5)) if m.group(4) else "")


# ---- OSV range evaluation (ossf.github.io/osv-schema, "Evaluation") ----

def event_key(e):
    kind, ver = next(iter(e.items()))
    if kind == "introduced" and ver == "0":
        return (0,)
    return (1, semver_key(ver))


def in_range(version, rng):
    if rng.get("type") not in ("SEMVER", "ECOSYSTEM"):
        return False
    v = semver_key(version)
    events = sorted(rng.get("events", []), key=event_key)
    limits = [semver_key(e["limit"]) for e in events if "limit" in e]
    if limits and not any(v < l for l in limits):
        return False
    affected = False
    for e in events:
        if "introduced" in e and (e["introduced"] == "0" or v >= semver_key(e["introduced"])):
            affected = True
        elif "fixed" in e and v >= semver_key(e["fixed"]):
            affected = False
        elif "last_affected" in e and v > semver_key(e["last_affected"]):
            affected = False
    return affected


def affects(record, module, version):
    for a in record.get("affected", []):
        pkg = a.get("package", {})
        if pkg.get("ecosystem") != "Go" or pkg.get("name") != module:
            continue
        if version in a.get("versions", []):
            return True
        if any(in_range(version, r) for r in a.get("ranges", [])):
            return True
    return False


def fixes_above(record, module, version):
    v = semver_key(version)
    return {e["fixed"] for a in record.get("affected", []) if a["package"]["name"] == module
            for r in a.get("ranges", []) for e in r.get("events", [])
            if "fixed" in e and semver_key(e["fixed"]) > v}


def finding_name(record):
    """What a finding is called: its CVE (the id or the first CVE alias), else its id."""
    if record["id"].startswith("CVE-"):
        return record["id"]
    return next((a for a in record.get("aliases", []) if a.startswith("CVE-")), record["id"])


# ---- inputs ----

def load_records(osv_dir):
    records = {}
    for name in os.listdir(osv_dir):
        if name.endswith(".json"):
            with open(os.path.join(osv_dir, name)) as f:
                r = json.load(f)
            if not r.get("withdrawn"):
                records[r["id"]] = r
    return records


def binaries_of(go_version_m):
    """{path: [(module, version)]} from `go version -m DIR`: mod and dep lines, a "=>" with a
    version replacing the version; "stdlib" at the toolchain's vulndb version."""
    bins, cur = {}, None
    for line in open(go_version_m):
        line = line.rstrip("\n")
        if not line.startswith("\t"):
            path, go = line.rsplit(": ", 1)
            cur = bins.setdefault(path, [])
            if stdlib_version(go):
                cur.append(["stdlib", stdlib_version(go), go.split(" ")[0]])
            continue
        f = line.split("\t")[1:]
        if f[0] in ("mod", "dep") and len(f) >= 3:
            cur.append([f[1], f[2], f[2]])
        elif f[0] == "=>" and len(f) >= 3 and f[2] not in ("", "(devel)"):
            cur[-1][1] = cur[-1][2] = f[2]
    return bins


def main():
    osv_dir, gvm, scan_json = sys.argv[1:4]
    records = load_records(osv_dir)
    bins = binaries_of(gvm)
    scan = json.load(open(scan_json))
    by_module = collections.defaultdict(list)
    for r in records.values():
        for a in r.get("affected", []):
            by_module[a["package"]["name"]].append(r)

    # What the Go vulndb says about each (module, version) of each binary.
    expected = collections.Counter()
    in_binaries = set()
    for mods in bins.values():
        for module, compared, installed in mods:
            in_binaries.add((module, installed))
            if semver_key(compared) is None:
                continue  # "(devel)": no range can place it
            names = {finding_name(r) for r in by_module[module] if affects(r, module, compared)}
            expected.update((module, installed, n) for n in names)
    actual = collections.Counter((v["package"], v["installedVersion"], v["name"])
                                 for v in scan["vulnerabilities"])

    def report(ok, what, details=()):
        print("%s\t%s" % ("ok" if ok else "not_ok", what))
        for d in list(details)[:15]:
            print("#   %s" % d)

    modules = sorted({m for m, _, _ in expected if m != "stdlib"})
    report(len(bins) >= 3 and modules, "%d Go binaries; affected modules besides stdlib: %s"
           % (len(bins), ", ".join(modules) or "none"))

    # Soundness: every finding is in a binary and its record's range holds the version.
    wrong = []
    for v in scan["vulnerabilities"]:
        module, installed, compared = v["package"], v["installedVersion"], v["comparedVersion"]
        r = records.get(v["id"])
        if v["packageType"] != "go" or (module, installed) not in in_binaries:
            wrong.append("%s %s %s: not in any binary per go version -m" % (v["id"], module, installed))
        elif module == "stdlib" and compared != stdlib_version(installed):
            wrong.append("%s stdlib %s compared as %s" % (v["id"], installed, compared))
        elif r is None:
            wrong.append("%s: no such (live) record" % v["id"])
        elif not affects(r, module, compared):
            wrong.append("%s %s %s: the record's ranges do not hold it" % (v["id"], module, compared))
        elif v["fixedVersion"] is not None and v["fixedVersion"] not in fixes_above(r, module, compared):
            wrong.append("%s %s %s: fixed %s is no fix event above it" % (v["id"], module, compared,
                                                                        v["fixedVersion"]))
    report(not wrong and actual, "%d findings: each module/version is in a binary and in its "
           "record's range" % len(scan["vulnerabilities"]), wrong)

    # Completeness (and no extras): per (module, version, CVE-or-id), as many findings as
    # binaries holding it.
    missing = expected - actual
    extra = actual - expected
    report(not missing, "every affected (module, version) the vulndb names is a finding "
           "(%d expected)" % sum(expected.values()),
           ("missing %s %s %s (x%d)" % (k + (n,)) for k, n in sorted(missing.items())))
    report(not extra, "no finding the vulndb does not imply",
           ("extra %s %s %s (x%d)" % (k + (n,)) for k, n in sorted(extra.items())))


if __name__ == "__main__":
    main()
