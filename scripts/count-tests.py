#!/usr/bin/python3
"""Prints "N passed, N failed" over meson test logs; exits 1 if any failed.

Usage: count-tests.py EXTRA_FAILURES testlog.json...

A test run with the TAP protocol (GTest with --tap) counts each "ok"/"not ok"
line; any other test counts once.  A missing log (build failed) and a test
whose result is not OK count as failures.  Skipped tests are reported on a
line of their own and are not counted as passed; a test that skipped as a
whole counts as a failure, because scripts/check runs every suite (a fuzzer
that crashed exits 77 unless told otherwise, and must never pass as a skip).
"""
import json
import re
import sys

passed = failed = skipped = 0
failed += int(sys.argv[1])
for path in sys.argv[2:]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        print(f"no test log: {path}")
        failed += 1
        continue
    for line in lines:
        test = json.loads(line)
        out = test.get("stdout") or ""
        oks = len(re.findall(r"^ok \d+", out, re.M))
        skips = len(re.findall(r"^ok \d+ .*# SKIP", out, re.M))
        bads = len(re.findall(r"^not ok \d+", out, re.M))
        result = test["result"]
        if result == "SKIP":
            print(f"skipped as a whole, counted as failed: {test['name']}")
            failed += 1
        elif oks + bads > 0:
            passed += oks - skips
            skipped += skips
            failed += bads
            if result != "OK" and bads == 0:
                failed += 1  # crashed or timed out after its last subtest
        elif result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        else:
            failed += 1
if skipped:
    print(f"{skipped} skipped")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
