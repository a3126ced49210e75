#!/usr/bin/env python3
"""The layers of Package.swift, checked from the sources (`make test` runs this).

1. Every `import` of a target is one of the dependencies Package.swift declares for it (SwiftPM
   lets a target import any module already built, so an undeclared import can compile today and
   form a cycle tomorrow).
2. Dependencies point inward only: Domain <- System <- Store <- Worker | Simulator | Web <-
   Reeldesk <- reeldesk; the three outer siblings do not import each other.
3. The two inner targets hold no HTTP, no URLs and no sentences for people: they return codes and
   facts, and the web edge picks the words (`Refusal+HTTP.swift`, the catalogues).

Exits 1 naming each file and line that breaks a rule.
"""
import json, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSTEM_MODULES = {"Foundation", "FoundationEssentials", "Glibc", "Synchronization", "Dispatch", "Testing"}
# Inner to outer. A target may depend only on targets of a lower rank (or the libraries below).
RANK = {"ReeldeskDomain": 0, "ReeldeskSystem": 1, "ReeldeskStore": 2,
        "ReeldeskWorker": 3, "ReeldeskSimulator": 3, "ReeldeskWeb": 3, "Reeldesk": 4, "reeldesk": 5}
INNER = ["ReeldeskDomain", "ReeldeskStore"]


def declared_dependencies():
    """target name -> set of dependency names (targets and products), as SwiftPM reads Package.swift."""
    out = subprocess.run([os.environ.get("SWIFT", "swift"), "package", "dump-package"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    deps = {}
    for t in json.loads(out)["targets"]:
        names = set()
        for d in t["dependencies"]:
            for kind in ("byName", "target", "product"):
                if kind in d:
                    names.add(d[kind][0])
        deps[t["name"]] = names
    return deps


def swift_files(target):
    base = os.path.join(ROOT, "Sources", target)
    if not os.path.isdir(base):
        base = os.path.join(ROOT, "Tests", target)
    for d, _, files in os.walk(base):
        for f in sorted(files):
            if f.endswith(".swift"):
                yield os.path.join(d, f)


def code_lines(path):
    """(line number, text without comments) of a Swift file."""
    in_block = False
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if in_block:
            if "*/" not in line:
                continue
            line, in_block = line.split("*/", 1)[1], False
        if "/*" in line and "*/" not in line:
            line, in_block = line.split("/*", 1)[0], True
        yield n, re.sub(r"//.*", "", line)


SENTENCE = re.compile(r'"[A-Z][a-z]+(?: [\w’\'\\()]+){2,}[.!?]"')
URL = re.compile(r'"(?:https?://|/[a-z_]+/)[^"]*"')
HTTP = re.compile(r"\bHTTP\w*|\bimport (?:WebCore|FastCGI|ReeldeskWeb)\b")


def main():
    deps = declared_dependencies()
    problems = []
    problems += [f"Package.swift: no target {t}" for t in RANK if t not in deps]
    for target, declared in deps.items():
        rank = RANK.get(target)
        for dep in declared:
            if rank is not None and dep in RANK and RANK[dep] >= rank:
                problems.append(f"Package.swift: {target} depends on {dep}, which is not further in")
        for path in swift_files(target):
            rel = os.path.relpath(path, ROOT)
            for n, line in code_lines(path):
                m = re.match(r"\s*(?:@testable\s+|@_exported\s+)?import\s+(\w+)", line)
                if m and m.group(1) not in SYSTEM_MODULES and m.group(1) not in declared and m.group(1) != target:
                    problems.append(f"{rel}:{n}: imports {m.group(1)}, which Package.swift does not give {target}")
                if m and m.group(0).lstrip().startswith("@testable") and "/Sources/" in path:
                    problems.append(f"{rel}:{n}: @testable import in a source target (release builds refuse it)")
                if target in INNER:
                    for rule, pattern in (("HTTP", HTTP), ("a URL", URL), ("a sentence for people", SENTENCE)):
                        hit = pattern.search(line)
                        if hit:
                            problems.append(f"{rel}:{n}: {rule} in an inner target: {hit.group(0)[:60]}")
    for p in problems:
        print(p)
    if problems:
        print(f"check_layers: {len(problems)} problem(s)")
        return 1
    print(f"check_layers: {len(deps)} targets, imports match Package.swift, dependencies point inward, inner targets hold no HTTP, URLs or sentences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
