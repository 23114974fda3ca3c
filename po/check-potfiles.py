#!/usr/bin/python3
"""Checks that po/POTFILES is complete: every source file with translatable strings
(_() / N_() in C, translatable="yes" in .ui) is listed, and every listed file exists.

    check-potfiles.py SOURCE_ROOT
"""
import os
import re
import sys

MARKED = re.compile(r'\b(?:N_|_|C_|NC_|g_dngettext|ngettext) ?\(|translatable="yes"')
SKIPPED_DIRS = {".git", "tests", "po", "subprojects"}


def marked_files(root):
    found = set()
    for folder, dirs, files in os.walk(root):
        # Build folders hold generated copies of the sources.
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("build")
                   and not os.path.exists(os.path.join(folder, d, "meson-private"))]
        for name in files:
            if not name.endswith((".c", ".ui")):
                continue
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8", errors="replace") as source:
                if MARKED.search(source.read()):
                    found.add(os.path.relpath(path, root))
    return found


def main():
    root = sys.argv[1]
    with open(os.path.join(root, "po", "POTFILES"), encoding="utf-8") as potfiles:
        listed = {line.strip() for line in potfiles
                  if line.strip() and not line.startswith("#")}
    missing = sorted(marked_files(root) - listed)
    gone = sorted(path for path in listed if not os.path.exists(os.path.join(root, path)))
    for path in missing:
        print("po/POTFILES does not list %s, which has translatable strings" % path)
    for path in gone:
        print("po/POTFILES lists %s, which does not exist" % path)
    return 1 if missing or gone else 0


if __name__ == "__main__":
    sys.exit(main())
