#!/usr/bin/env python3
"""make mutate: break the code on purpose, one line at a time, and see
the tests fail.

Reads tests/mutations.txt (see docs/testing.md, "Mutations tried"): for
each block, in a scratch copy of the tree, replaces the line in the
function it names, builds, runs each test file it names, and takes the
line back.  A mutation is killed when every test file named fails; one
that survives, or whose line cannot be found once in its function, makes
the run fail.

usage: tools/mutate.py [-j N] [ID...]
  -j N   N scratch copies working at once (default 1)
  ID     only these mutations
"""
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading


def blocks(path):
    """Returns the mutations of path as dicts: id, what, function,
    replace, with, tests (a list)."""
    out, cur = [], None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = re.match(r"# ([\w-]+): (.*)", line)
        if m:
            cur = {"id": m.group(1), "what": m.group(2)}
            out.append(cur)
            continue
        m = re.match(r"(function|replace|with|tests): ?(.*)", line)
        if m and cur is not None:
            cur[m.group(1)] = m.group(2)
    for b in out:
        missing = [k for k in ("function", "replace", "with", "tests") if k not in b]
        if missing:
            sys.exit("tests/mutations.txt: %s: no %s" % (b["id"], ", ".join(missing)))
        b["tests"] = b["tests"].split()
    return out


def find_function(tree, name):
    """Returns (path, first, last): the C file of tree defining function
    name and the lines of its body (0-based, first is the definition)."""
    pattern = re.compile(r"^[a-z].*\b%s\(" % re.escape(name))
    found = []
    for top in ("lib", "cmd"):
        for root, _, files in os.walk(os.path.join(tree, top)):
            for f in sorted(files):
                if not f.endswith(".c"):
                    continue
                path = os.path.join(root, f)
                lines = open(path, encoding="utf-8").read().split("\n")
                for i, line in enumerate(lines):
                    if pattern.match(line) and not line.rstrip().endswith(";"):
                        end = i
                        while end < len(lines) and lines[end] != "}":
                            end += 1
                        found.append((path, i, end))
    if len(found) != 1:
        return None
    return found[0]


def apply(tree, b):
    """Applies mutation b in tree.  Returns (path, original text) to take
    it back, or an error message."""
    where = find_function(tree, b["function"])
    if not where:
        return "no single definition of %s() in lib/ or cmd/" % b["function"]
    path, first, last = where
    text = open(path, encoding="utf-8").read()
    lines = text.split("\n")
    hits = [i for i in range(first, last + 1) if lines[i].strip() == b["replace"]]
    if len(hits) != 1:
        return "%d lines of %s() are \"%s\"" % (len(hits), b["function"], b["replace"])
    line = lines[hits[0]]
    lines[hits[0]] = line[: len(line) - len(line.lstrip())] + b["with"]
    open(path, "w", encoding="utf-8").write("\n".join(lines))
    return path, text


def run(cmd, cwd):
    """Runs cmd in cwd quietly.  Returns its exit status."""
    return subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode


def try_one(tree, b):
    """Applies, builds, tests and takes back mutation b in tree.  Returns
    (verdict, detail): killed, SURVIVED or BROKEN."""
    got = apply(tree, b)
    if isinstance(got, str):
        return "BROKEN", got
    path, original = got
    try:
        if run(["make", "-s", "kontora", "unit"], tree):
            return "killed", "the build fails"
        passed = [t for t in b["tests"] if run(["prove", t], tree) == 0]
        if passed:
            return "SURVIVED", "passes " + " ".join(passed)
        return "killed", "fails " + " ".join(b["tests"])
    finally:
        open(path, "w", encoding="utf-8").write(original)


def scratch(top):
    """Copies the tree at top (what git tracks, and new files it does not
    ignore) to a new directory and builds it.  Returns the directory."""
    tree = tempfile.mkdtemp(prefix="kontora-mutate.")
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=top,
                           capture_output=True, check=True).stdout.split(b"\0")
    for f in files:
        if not f:
            continue
        f = f.decode()
        os.makedirs(os.path.join(tree, os.path.dirname(f)), exist_ok=True)
        shutil.copy2(os.path.join(top, f), os.path.join(tree, f))
    if run(["make", "-s", "kontora", "unit"], tree):
        sys.exit("mutate: the scratch copy %s does not build" % tree)
    return tree


def main(argv):
    jobs = 1
    if argv[:1] == ["-j"]:
        jobs, argv = int(argv[1]), argv[2:]
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    todo = blocks(os.path.join(top, "tests", "mutations.txt"))
    if argv:
        unknown = set(argv) - {b["id"] for b in todo}
        if unknown:
            sys.exit("mutate: no mutation %s in tests/mutations.txt" % ", ".join(sorted(unknown)))
        todo = [b for b in todo if b["id"] in argv]
    work = queue.Queue()
    for b in todo:
        work.put(b)
    results, lock = {}, threading.Lock()

    def worker():
        tree = scratch(top)
        try:
            while True:
                try:
                    b = work.get_nowait()
                except queue.Empty:
                    return
                verdict, detail = try_one(tree, b)
                with lock:
                    results[b["id"]] = (verdict, detail)
                    print("%-8s %-34s %s" % (verdict, b["id"], detail), flush=True)
        finally:
            shutil.rmtree(tree, ignore_errors=True)

    threads = [threading.Thread(target=worker) for _ in range(max(1, jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bad = [i for i, (v, _) in results.items() if v != "killed"]
    print("mutate: %d of %d killed" % (len(results) - len(bad), len(todo)))
    if bad:
        print("mutate: not killed: %s" % " ".join(sorted(bad)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
