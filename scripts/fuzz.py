#!/usr/bin/env python3
"""`make fuzz` (60 s per target) and the fuzz step of `make test` (10 s per target).

Builds `reeldesk-fuzz` with libFuzzer and AddressSanitizer, runs every target from its seed corpus
in Tests/FuzzRegressionTests/Corpus/TARGET (read-only; what the fuzzer learns goes to .build), two
at a time, and prints one line per target: runs, executions per second, corpus size, new inputs.
A crash fails the run and names the input to keep: copy it into the corpus as `crash-NAME`, and
the unit tests (FuzzRegressionTests) replay it on every `swift test` from then on.

usage: scripts/fuzz.py [--seconds N] [--no-build] [TARGET ...]
"""
import argparse, os, re, shutil, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, 'Tests', 'FuzzRegressionTests', 'Corpus')
BUILD = os.path.join(ROOT, '.build', 'fuzz')
WORK = os.path.join(ROOT, '.build', 'fuzz-work')
BINARY = os.path.join(BUILD, 'debug', 'reeldesk-fuzz')


def build():
    env = dict(os.environ, REELDESK_FUZZ='1')
    cmd = ['swift', 'build', '--build-path', BUILD, '-Xswiftc', '-sanitize=fuzzer,address', '--product', 'reeldesk-fuzz']
    started = time.time()
    r = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    # ld.gold warns once per exported ASan helper; nothing to act on.
    noise = re.compile(r"Cannot export local symbol|^\s*$")
    output = [l for l in (r.stdout + r.stderr).splitlines() if not noise.search(l)]
    if r.returncode != 0:
        print('\n'.join(output[-40:]))
        sys.exit('fuzz build failed')
    print(f'built reeldesk-fuzz with -sanitize=fuzzer,address in {time.time() - started:.0f} s')


def run(target, seconds):
    work = os.path.join(WORK, target)
    crashes = os.path.join(WORK, 'crashes', target)
    os.makedirs(work, exist_ok=True)
    shutil.rmtree(crashes, ignore_errors=True)
    os.makedirs(crashes)
    cmd = [BINARY, f'--target={target}', f'-max_total_time={seconds}', '-print_final_stats=1', '-max_len=8192',
           '-timeout=10', '-rss_limit_mb=2048', f'-artifact_prefix={crashes}/', work, os.path.join(CORPUS, target)]
    # Swift's runtime keeps metadata caches for the life of the process (not leaks worth a
    # report), and Swift's own crash backtracer would hold the pipe open for minutes under ASan.
    env = dict(os.environ, ASAN_OPTIONS='detect_leaks=0:abort_on_error=0', SWIFT_BACKTRACE='enable=no')
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=seconds + 120)
    log = r.stderr
    stats = dict(re.findall(r'stat::(\w+):\s+(\d+)', log))
    corpus = re.findall(r'corp: (\d+)/(\d+)(b|Kb|Mb)', log)
    found = sorted(os.listdir(crashes))
    return {
        'target': target, 'rc': r.returncode, 'log': log, 'crashes': [os.path.join(crashes, f) for f in found],
        'runs': int(stats.get('number_of_executed_units', 0)), 'per_sec': int(stats.get('average_exec_per_sec', 0)),
        'new': int(stats.get('new_units_added', 0)), 'rss': int(stats.get('peak_rss_mb', 0)),
        'corpus': f'{corpus[-1][0]} inputs / {corpus[-1][1]} {corpus[-1][2]}' if corpus else '?',
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--seconds', type=int, default=60)
    parser.add_argument('--no-build', action='store_true')
    parser.add_argument('targets', nargs='*')
    args = parser.parse_args()
    targets = args.targets or sorted(os.listdir(CORPUS))
    if not args.no_build:
        build()
    print(f'fuzzing {len(targets)} targets for {args.seconds} s each, two at a time')
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda t: run(t, args.seconds), targets))
    print(f"{'target':<16} {'runs':>10} {'exec/s':>8} {'corpus':>22} {'new':>5} {'rss MB':>7}  result")
    failed = False
    for r in results:
        ok = r['rc'] == 0 and not r['crashes'] and r['runs'] > 0
        failed |= not ok
        print(f"{r['target']:<16} {r['runs']:>10} {r['per_sec']:>8} {r['corpus']:>22} {r['new']:>5} {r['rss']:>7}  {'ok' if ok else 'FAILED'}")
    for r in results:
        if r['rc'] != 0 or r['crashes'] or r['runs'] == 0:
            print(f"\n--- {r['target']} (exit {r['rc']}) ---")
            print('\n'.join(r['log'].splitlines()[-40:]))
            for path in r['crashes']:
                keep = os.path.join(CORPUS, r['target'], 'crash-' + os.path.basename(path).split('-', 1)[-1][:16])
                print(f'input kept at {path}\n  make it a regression test: cp {path} {os.path.relpath(keep, ROOT)}')
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
