#!/usr/bin/env python3
"""Count test results from meson's testlog.json files: TAP subtests one by one (cmocka and our
shell tests speak TAP), other tests as one. Prints failures, then "N passed, N failed, N skipped"."""
import json
import re
import sys

passed = failed = skipped = 0
failures = []
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        failed += 1
        failures.append(f"{path}: missing (the suite did not run)")
        continue
    build = path.split("/")[0]
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout") or ""
        tap = [l for l in out.splitlines() if re.match(r"^(not )?ok\b", l)]
        if tap:
            for l in tap:
                if l.startswith("not ok") and "# TODO" in l:
                    skipped += 1
                    failures.append(f"{build}: {t['name']}: {l} (known, not counted as failed)")
                elif l.startswith("not ok"):
                    failed += 1
                    failures.append(f"{build}: {t['name']}: {l}")
                elif "# SKIP" in l or "# skip" in l:
                    skipped += 1
                else:
                    passed += 1
            if t["result"] not in ("OK", "SKIP", "EXPECTEDFAIL") and not any(
                l.startswith("not ok") and "# TODO" not in l for l in tap
            ):
                failed += 1
                failures.append(f"{build}: {t['name']}: {t['result']} (crashed or exited non-zero)")
        elif t["result"] == "OK":
            passed += 1
        elif t["result"] == "SKIP":
            skipped += 1
        else:
            failed += 1
            failures.append(f"{build}: {t['name']}: {t['result']}")
for f in failures:
    print("TODO:" if f.endswith("(known, not counted as failed)") else "FAILED:", f)
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
