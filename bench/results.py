"""What every bench script's Python tail shares (bench/scan.sh, bench/sources.sh): reading
bench_best's "seconds cpu-seconds peak-rss-KiB" lines, where and what was measured, and
writing the results file."""
import json
import os
import subprocess
import time


def timing(best):
    """bench_best's line as a dict."""
    sec, cpu, rss = best.split()
    return {"seconds": float(sec), "cpuSeconds": float(cpu), "peakRssKiB": int(rss)}


def provenance(ls, root, runs, load0, load1):
    """When, at which commit, with which binary and under what load the figures were taken."""
    def sh(*cmd):
        return subprocess.run(cmd, capture_output=True, text=True, cwd=root).stdout.strip()
    return {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "commit": sh("git", "rev-parse", "--short", "HEAD"),
            "treeDirty": bool(sh("git", "status", "--porcelain", "--untracked-files=no")),
            "layerscope": sh(ls, "--version"), "binary": os.path.abspath(ls), "runs": int(runs),
            "cores": os.cpu_count(), "loadavg1Start": float(load0), "loadavg1End": float(load1)}


def write(path, doc):
    with open(path, "w") as out:
        json.dump(doc, out, indent=2)
        out.write("\n")
