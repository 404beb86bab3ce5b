#!/usr/bin/env python3
"""The mutation run: every mutant against the tests that cite what it breaks.

  tools/mutate [--only NAME[,NAME...] | --stale] [--force] [--out DIR] [--results DIR]
               [--list] [--check] [--verify DIR --citations FILE]

Mutants come from two catalogues, both literal text substitutions that must
apply exactly once (or the run stops, naming the mutant):
  proofs/mutants/mutants.bzl            MUTANTS (core/), each with `breaks`
  tools/mutation/adapter_mutants.toml   the pcscf and ue programs
For each mutant, in one reused scratch copy of the tree (DIR/ws, so Bazel
stays incremental): restore the previous mutant's file, apply the
substitution, build the test targets that cite a requirement the mutant
breaks AND depend on the mutated file (bazel query), and run them with
--nocache_test_results. The outcome of each target comes from the build
event file of that one invocation; its JUnit XML (tests/support) says which
case failed and which requirement assertion did not hold.

A mutant is killed for requirement R when, in its run,
  - a case carrying <property name="requirement-failed" value="R"/> ran, or
  - a case citing R (//= spec#R type=test, found by tools/trace) failed, or
  - a target holding a case citing R failed with no case-level result
    (crash or timeout: complete="false", no XML or an unreadable one),
and that case (target) passed on the unmutated sources in the baseline run
of the same targets. Each baseline target's outcome and each mutant's result
is one JSON file under tools/mutation/results/ (committed; --out DIR puts
them under DIR/results instead), keyed by a hash of exactly what it depends
on (freshness.py): a result whose key no longer matches the files is stale,
run again by --stale and refused by the report.
"""
import argparse
import ast
import glob
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the tree (it would change a listing)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import freshness  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORE_CATALOGUE = "proofs/mutants/mutants.bzl"
ADAPTER_CATALOGUE = "tools/mutation/adapter_mutants.toml"
FORMAT = freshness.FORMAT

# Test targets never run against a mutant, with the reason.
EXCLUDED_TARGETS = {
    # It runs the proof mutants (proofs/mutants) against the properties; its
    # cases are not the citing cases, and it is the slowest test of the tree.
    "//tests/property:mutant_test": "runs the proof mutants, not citing cases",
}


# A mutant's targets run in tiers, cheapest first; the run stops once every
# requirement the mutant breaks is killed (a kill needs one failing citing
# case; more targets could only add kills). Most core mutants are killed by
# the unit tests in seconds, so the end-to-end, interop and sanitized runs
# are spent only where the cheaper layers did not see the bug.
TIERS = ("unit", "program", "third-party", "sanitized")


def tier_of(target):
    """Index into TIERS of a test target (by package and name)."""
    pkg, _, name = target[2:].partition(":")
    if "_asan" in name or "_ubsan" in name or pkg.startswith("tests/sanitize"):
        return 3
    if pkg.startswith(("tests/core", "tests/property", "tests/proofs", "tests/tools",
                       "tests/build")):
        return 0
    if pkg.startswith(("tests/interop", "tests/probe")):
        return 2
    return 1


def log(msg):
    sys.stderr.write("mutate: %s\n" % msg)
    sys.stderr.flush()


def die(msg):
    log("ERROR: " + msg)
    sys.exit(2)


# ------------------------------------------------------------ catalogues
def _literal(node, where):
    """Evaluates the Starlark literals of mutants.bzl (str, list, tuple, struct)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "struct":
        return {k.arg: _literal(k.value, where) for k in node.keywords}
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_literal(e, where) for e in node.elts]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _literal(node.left, where) + _literal(node.right, where)
    try:
        return ast.literal_eval(node)
    except ValueError:
        die("%s: cannot read %s (only literals and struct() are allowed in MUTANTS)"
            % (where, ast.dump(node)[:80]))


def load_core_mutants(root):
    path = os.path.join(root, CORE_CATALOGUE)
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    for stmt in tree.body:
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name) and stmt.targets[0].id == "MUTANTS"):
            out = []
            for m in _literal(stmt.value, CORE_CATALOGUE):
                out.append({
                    "name": m["name"],
                    "kind": "core",
                    "catalogue": CORE_CATALOGUE,
                    "description": m.get("description", ""),
                    "file": m["file"],
                    "subs": [(old, new) for old, new in m["subs"]],
                    "breaks": m.get("breaks", []),
                    "survives": m.get("survives", ""),
                })
            return out
    die("%s has no MUTANTS = [...]" % CORE_CATALOGUE)


def load_adapter_mutants(root):
    path = os.path.join(root, ADAPTER_CATALOGUE)
    with open(path, "rb") as f:
        data = tomllib.load(f)
    out = []
    for m in data.get("mutant", []):
        out.append({
            "name": m["name"],
            "kind": "adapter",
            "catalogue": ADAPTER_CATALOGUE,
            "description": m.get("description", ""),
            "file": m["file"],
            "subs": [(s["old"], s["new"]) for s in m.get("subs", [])],
            "breaks": m.get("breaks", []),
            "survives": m.get("survives", ""),
        })
    return out


def spec_ids(root):
    ids = {}
    for f in sorted(glob.glob(os.path.join(root, "spec", "requirements", "*.toml"))):
        with open(f, "rb") as fh:
            for r in tomllib.load(fh).get("requirement", []):
                ids[r["id"]] = r.get("modality", "")
    return ids


def mutate_text(m, text):
    """The mutated text of m's file; dies unless every old occurs exactly once."""
    for old, new in m["subs"]:
        n = text.count(old)
        if n != 1:
            die("mutant %s: the text to replace occurs %d times in %s (want exactly 1); the "
                "sources changed, update %s:\n%s" % (m["name"], n, m["file"], m["catalogue"], old))
        text = text.replace(old, new)
    return text


def check_catalogue(root, mutants, ids):
    seen = set()
    for m in mutants:
        where = "%s: mutant %s" % (m["catalogue"], m["name"])
        if m["name"] in seen:
            die("%s: the name is used twice" % where)
        seen.add(m["name"])
        if not m["subs"]:
            die("%s: no substitution" % where)
        if not m["breaks"]:
            die("%s: `breaks` names no requirement" % where)
        for r in m["breaks"]:
            if r not in ids:
                die("%s: `breaks` names %s, which is not in spec/requirements" % (where, r))
        path = os.path.join(root, m["file"])
        if not os.path.isfile(path):
            die("%s: no file %s under %s" % (where, m["file"], root))
        mutate_text(m, open(path, encoding="utf-8").read())


# ------------------------------------------------------------ sources
def git(root, *args):
    return subprocess.run(["git", "-C", root] + list(args), check=True, capture_output=True,
                          text=True).stdout


def sync_scratch(root, ws):
    """Makes ws a copy of root's tracked and untracked non-ignored files;
    copies only what differs, so Bazel's view of unchanged files stays put."""
    files = [f for f in git(root, "ls-files", "-z", "-c", "-o", "--exclude-standard").split("\0")
             if f and not f.startswith(freshness.RESULTS_DIR + "/")]
    keep = set()
    copied = 0
    for f in files:
        src = os.path.join(root, f)
        if not os.path.isfile(src) or os.path.islink(src) and not os.path.exists(src):
            continue  # deleted in the worktree, not yet committed
        keep.add(f)
        dst = os.path.join(ws, f)
        if os.path.isfile(dst) and not os.path.islink(dst):
            with open(src, "rb") as a, open(dst, "rb") as b:
                if a.read() == b.read():
                    if (os.stat(src).st_mode & 0o111) == (os.stat(dst).st_mode & 0o111):
                        continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
        copied += 1
    removed = 0
    for dirpath, dirnames, filenames in os.walk(ws):
        rel_dir = os.path.relpath(dirpath, ws)
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if not d.startswith("bazel-") and d != ".git"]
        for fn in filenames:
            rel = os.path.normpath(os.path.join(rel_dir, fn))
            if rel.startswith("bazel-"):
                continue
            if rel not in keep:
                os.remove(os.path.join(dirpath, fn))
                removed += 1
    return copied, removed


# ------------------------------------------------------------ bazel
def bazel(ws, args, out_prefix, check=False):
    """Runs bazel in ws; stdout+stderr go to out_prefix.log. Returns (rc, seconds)."""
    t0 = time.monotonic()
    with open(out_prefix + ".log", "w") as logf:
        rc = subprocess.run(["bazel"] + args, cwd=ws, stdout=logf, stderr=subprocess.STDOUT).returncode
    dt = time.monotonic() - t0
    if check and rc != 0:
        die("bazel %s failed (exit %d); see %s.log" % (" ".join(args[:2]), rc, out_prefix))
    return rc, dt


def bazel_query(ws, expr):
    r = subprocess.run(["bazel", "query", "--keep_going", "--output=label", expr], cwd=ws,
                       capture_output=True, text=True)
    if r.returncode not in (0, 3):
        die("bazel query %r failed:\n%s" % (expr, r.stderr[-2000:]))
    return [line.strip() for line in r.stdout.splitlines() if line.strip().startswith("//")]


def file_label(ws, rel):
    """//pkg:name for a source file (the nearest enclosing BUILD package)."""
    d = os.path.dirname(rel)
    while True:
        if any(os.path.isfile(os.path.join(ws, d, b)) for b in ("BUILD.bazel", "BUILD")):
            name = os.path.relpath(rel, d) if d else rel
            return "//%s:%s" % (d, name)
        if not d:
            return None
        d = os.path.dirname(d)


def citations(ws, out):
    bazel(ws, ["build", "//tools/trace"], os.path.join(out, "build-trace"), check=True)
    r = subprocess.run([os.path.join(ws, "bazel-bin", "tools", "trace", "trace"), "--root", ws,
                        "--list-citations"], capture_output=True, text=True, check=True)
    return freshness.parse_citations(r.stdout)


def deps_of(ws, target):
    """(files, packages) in the workspace that test target depends on: its
    source files and the BUILD/.bzl files that define them (buildfiles)."""
    got = bazel_query(ws, 'let d = deps(%s) in kind("source file", $d) union buildfiles($d)'
                      % target)
    files, packages = set(), set()
    for label in got:
        path = freshness.label_path(label)
        if path is None:
            continue
        files.add(path)
        packages.add(label[2:].partition(":")[0])
    return files, packages


class TargetMap:
    """Test targets of the tree: which depend on a file (bazel query rdeps)."""

    def __init__(self, ws):
        self.ws = ws
        self.cache = {}

    def tests_depending_on(self, rel):
        if rel not in self.cache:
            label = file_label(self.ws, rel)
            if label is None:
                self.cache[rel] = []
            else:
                got = bazel_query(self.ws, "tests(//...) intersect rdeps(//..., %s)" % label)
                self.cache[rel] = sorted(t for t in got if t not in EXCLUDED_TARGETS)
        return self.cache[rel]


# ------------------------------------------------------------ results of one invocation
def read_bep(path):
    """{label: {"status", "xml", "seconds", "cached"}} from a build event JSON file."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            tr = ev.get("testResult")
            if tr is None:
                continue
            label = ev["id"]["testResult"]["label"]
            xml = None
            for o in tr.get("testActionOutput", []):
                if o.get("name") == "test.xml" and o.get("uri", "").startswith("file://"):
                    xml = o["uri"][len("file://"):]
            out[label] = {
                "status": tr.get("status", "NO_STATUS"),
                "xml": xml,
                "seconds": int(tr.get("testAttemptDurationMillis", "0")) / 1000.0,
                "cached": bool(tr.get("cachedLocally")) or
                          bool(tr.get("executionInfo", {}).get("cachedRemotely")),
            }
    return out


def read_xml(path):
    """(state, [case]) with state "complete" | "incomplete" | "no XML" | "unreadable XML"
    and case = {name, failed, failure, req_failed[], req_held[]}."""
    if not path or not os.path.exists(path):
        return "no XML", []
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        log("cannot parse %s: %s" % (path, e))
        return "unreadable XML", []
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    complete = bool(suites) and all(s.get("complete", "true") == "true" for s in suites)
    complete = "complete" if complete else "incomplete"
    cases = []
    for s in suites:
        for c in s.iter("testcase"):
            f = c.find("failure")
            e = c.find("error")
            props = c.find("properties")
            held, failed = [], []
            if props is not None:
                for p in props.findall("property"):
                    if p.get("name") == "requirement":
                        held.append(p.get("value"))
                    elif p.get("name") == "requirement-failed":
                        failed.append(p.get("value"))
            bad = f if f is not None else e
            cases.append({
                "name": c.get("name", ""),
                "failed": bad is not None,
                "failure": (bad.get("message", "") if bad is not None else "")[-600:],
                "req_failed": failed,
                "req_held": held,
            })
    return complete, cases


def run_tests(ws, targets, out, tag):
    """bazel test of `targets` (built first, timed apart). Returns a dict."""
    prefix = os.path.join(out, tag)
    bep = prefix + ".bep.json"
    if os.path.exists(bep):
        os.remove(bep)
    rc_b, t_build = bazel(ws, ["build", "--keep_going"] + targets, prefix + ".build")
    rc_t, t_test = bazel(ws, ["test", "--keep_going", "--nocache_test_results",
                              "--test_output=summary", "--build_event_json_file=" + bep]
                         + targets, prefix + ".test")
    results = read_bep(bep)
    # Keep each target's JUnit file and log of this invocation (the next
    # invocation overwrites bazel-testlogs).
    keep = os.path.join(out, "logs", tag)
    shutil.rmtree(keep, ignore_errors=True)
    os.makedirs(keep, exist_ok=True)
    for label, r in results.items():
        base = label.lstrip("/").replace("/", "_").replace(":", "__")
        if r["xml"] and os.path.exists(r["xml"]):
            shutil.copyfile(r["xml"], os.path.join(keep, base + ".xml"))
            tlog = os.path.join(os.path.dirname(r["xml"]), "test.log")
            if os.path.exists(tlog):
                shutil.copyfile(tlog, os.path.join(keep, base + ".log"))
    per_target = {}
    for t in targets:
        r = results.get(t)
        if r is None:
            per_target[t] = {"status": "DID_NOT_RUN", "complete": "did not run", "cases": [],
                             "seconds": 0, "cached": False}
            continue
        complete, cases = read_xml(r["xml"])
        per_target[t] = {"status": r["status"], "complete": complete, "cases": cases,
                         "seconds": r["seconds"], "cached": r["cached"]}
    return {"build_rc": rc_b, "test_rc": rc_t, "build_seconds": round(t_build, 1),
            "test_seconds": round(t_test, 1), "targets": per_target,
            "log": os.path.relpath(prefix + ".test.log", out),
            "test_logs": os.path.relpath(keep, out)}


def case_failed_for(case, req, citing_names):
    if req in case["req_failed"]:
        return True
    return case["failed"] and case["name"] in citing_names


def judge(m, run, baseline, citing, rel_targets):
    """Per requirement: killed?, by which cases; crashes of citing targets."""
    reqs = {}
    for req in m["breaks"]:
        names = citing.get(req, {})  # case name -> file
        targets = rel_targets.get(req, [])
        by, not_credited = [], []
        for t in targets:
            tr = run["targets"].get(t)
            if tr is None:
                continue
            base = baseline["targets"].get(t) if baseline else None
            base_bad = set()
            if base is not None:
                base_bad = {c["name"] for c in base["cases"] if case_failed_for(c, req, names)}
            for c in tr["cases"]:
                if case_failed_for(c, req, names):
                    entry = "%s (%s)" % (c["name"], t)
                    (not_credited if c["name"] in base_bad else by).append(entry)
            # Every target here holds a case citing req (rel_targets).
            if tr["complete"] != "complete" and tr["status"] not in ("PASSED", "DID_NOT_RUN"):
                base_ok = (base is not None and base["status"] == "PASSED"
                           and base["complete"] == "complete")
                entry = "%s %s with no case-level result (%s)" % (t, tr["status"], tr["complete"])
                (by if base_ok or base is None else not_credited).append(entry)
        reqs[req] = {
            "killed": bool(by),
            "killed_by": by,
            "not_credited": not_credited,  # failed on the unmutated sources too
            "citing_cases": len(names),
            "targets_run": [t for t in targets if t in run["targets"]],
        }
    return reqs


# ------------------------------------------------------------ main
def all_mutants(root):
    return load_core_mutants(root) + load_adapter_mutants(root)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", action="append", default=[],
                    help="mutant name(s), comma-separated or repeated (default: every mutant "
                    "without a current result)")
    ap.add_argument("--stale", action="store_true",
                    help="only the mutants whose recorded result is stale (freshness.py)")
    ap.add_argument("--force", action="store_true",
                    help="run the selected mutants even if their result is current")
    ap.add_argument("--out", default=None,
                    help="work directory (default out/mutation); with --out and no --results, "
                    "results go to OUT/results (scratch) instead of tools/mutation/results")
    ap.add_argument("--results", default=None,
                    help="results directory (default tools/mutation/results, committed)")
    ap.add_argument("--list", action="store_true",
                    help="print the catalogue and each mutant's citing test targets, run nothing")
    ap.add_argument("--check", action="store_true",
                    help="only check the catalogues (IDs exist, every replacement applies once) "
                    "and exit; needs neither git nor Bazel (//tests/tools:mutation_catalogue_test)")
    ap.add_argument("--verify", metavar="DIR",
                    help="print (JSON) which results in DIR are current for the tree at --root "
                    "and why the others are stale; needs --citations, not Bazel (the report)")
    ap.add_argument("--citations", metavar="FILE",
                    help="with --verify: the `trace --list-citations` lines of the tree")
    ap.add_argument("--root", default=ROOT, help=argparse.SUPPRESS)
    ap.add_argument("--no-baseline", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()

    if a.verify:
        if not a.citations:
            die("--verify needs --citations FILE")
        with open(a.citations) as f:
            cits = freshness.parse_citations(f.read())
        try:
            by_name = {m["name"]: m for m in all_mutants(a.root)}
        except (OSError, KeyError, ValueError) as e:
            by_name = {}
            log("cannot read the catalogues (%s): every mutant result is stale" % e)
        json.dump(freshness.verify(a.root, a.verify, cits, by_name), sys.stdout, sort_keys=True)
        sys.stdout.write("\n")
        return 0

    ids = spec_ids(a.root)
    mutants = all_mutants(a.root)
    check_catalogue(a.root, mutants, ids)
    if a.check:
        print("mutate: %d mutants (%d core, %d adapter): every requirement exists, every "
              "replacement applies exactly once" % (
                  len(mutants), sum(m["kind"] == "core" for m in mutants),
                  sum(m["kind"] == "adapter" for m in mutants)))
        return 0
    if os.path.abspath(a.root) != ROOT:
        die("--root is for --check and --verify only")
    if a.no_baseline:
        die("--no-baseline is gone: a mutant's result needs the baseline of its targets")
    out = os.path.abspath(a.out or os.path.join(ROOT, "out", "mutation"))
    results_dir = os.path.abspath(a.results or (os.path.join(out, "results") if a.out else
                                                os.path.join(ROOT, freshness.RESULTS_DIR)))
    ws = os.path.join(out, "ws")
    os.makedirs(ws, exist_ok=True)

    # Everything a key hashes is read now, from the tree the scratch copy is
    # made of, before anything runs (the tree may be edited during the run);
    # the copy is then checked against those hashes, so a key is always of
    # the content the run tested.
    tree = freshness.Tree(ROOT)
    tree.hash_all()
    head = git(ROOT, "rev-parse", "HEAD").strip()
    dirty = bool(git(ROOT, "status", "--porcelain", "--", ".",
                     ":(exclude)" + freshness.RESULTS_DIR).strip())
    copied, removed = sync_scratch(ROOT, ws)
    log("scratch workspace %s: %d files copied, %d removed" % (ws, copied, removed))
    changed = tree.differs_from(ws)
    if changed:
        die("the tree changed while it was copied (%s): run again" % ", ".join(changed[:5]))
    cits = citations(ws, out)

    only = [n for o in a.only for n in o.split(",") if n]
    by_name = {m["name"]: m for m in mutants}
    unknown = [n for n in only if n not in by_name]
    if unknown:
        die("no such mutant: %s (tools/mutate --list shows them)" % ", ".join(unknown))
    state = freshness.verify(ROOT, results_dir, cits, by_name)
    recorded = state["mutants"]
    if only:
        chosen = [by_name[n] for n in only]
    elif a.stale:
        chosen = [m for m in mutants if m["name"] in recorded
                  and not recorded[m["name"]]["current"]]
    else:
        chosen = list(mutants)
    if not a.force and not a.list:
        current = [m["name"] for m in chosen if recorded.get(m["name"], {}).get("current")]
        if current:
            log("%d mutants have a current result, not run again (--force): %s" % (
                len(current), " ".join(current)))
        chosen = [m for m in chosen if m["name"] not in current]

    citing = {}  # req -> {case name: file}
    for c in cits:
        if c["type"] == "test" and c["target"]:
            citing.setdefault(c["id"], {})[c["target"]] = c["file"]
    tmap = TargetMap(ws)

    plan = []
    for m in chosen:
        affected = set(tmap.tests_depending_on(m["file"]))
        rel_targets, skipped = {}, {}
        for req in m["breaks"]:
            ts = set()
            for case, f in citing.get(req, {}).items():
                for t in tmap.tests_depending_on(f):
                    (ts.add(t) if t in affected else skipped.setdefault(t, "does not depend on "
                                                                        + m["file"]))
            rel_targets[req] = sorted(ts)
        targets = sorted({t for ts in rel_targets.values() for t in ts})
        parts = freshness.mutant_key_parts(tree, m, cits)
        plan.append((m, rel_targets, targets, skipped, parts))

    if a.list:
        for m, rel_targets, targets, skipped, _ in plan:
            st = recorded.get(m["name"])
            print("%s [%s] %s\n  %s: %s\n  result: %s" % (
                m["name"], m["kind"], m["description"], m["file"], ", ".join(m["breaks"]),
                "none" if st is None else st.get("status", "?") + (
                    " (current)" if st["current"] else " (STALE: %s)" % "; ".join(st["why"]))))
            for req in m["breaks"]:
                print("    %s: %d citing cases; targets: %s" % (
                    req, len(citing.get(req, {})), " ".join(rel_targets[req]) or "NONE"))
            if skipped:
                print("    not run (independent of the mutated file): " + " ".join(sorted(skipped)))
        return 0
    if not plan:
        log("nothing to run")
        return 0

    # Baseline entries are made lazily, per tier, for the targets a mutant
    # actually runs (an entry already current is reused).
    base_entries = freshness.load_dir(results_dir, "baseline")
    deps = {}

    def ensure_baseline(targets):
        for t in targets:
            if t not in deps:
                files, packages = deps_of(ws, t)
                deps[t] = freshness.deps_record(tree, files, packages)
        need = [t for t in targets
                if t not in base_entries or base_entries[t]["deps"]["key"] != deps[t]["key"]
                or not freshness.baseline_result_ok(base_entries[t])]
        if not need:
            return
        log("baseline: %d targets on the unmutated sources (%d current ones reused)" % (
            len(need), len(targets) - len(need)))
        b = run_tests(ws, need, out, "baseline")
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        for t in need:
            entry = {"format": FORMAT, "target": t, "recorded": now, "head": head,
                     "dirty": dirty, "deps": deps[t], "result": b["targets"][t],
                     "invocation_seconds": b["build_seconds"] + b["test_seconds"],
                     "invocation_targets": len(need)}
            entry["result_key"] = freshness.result_key(entry["result"])
            freshness.write_json(freshness.baseline_path(results_dir, t), entry)
            base_entries[t] = entry
        bad = [t for t in need if base_entries[t]["result"]["status"] != "PASSED"]
        if bad:
            log("baseline: failing on the unmutated sources (their failures are not credited "
                "as kills): " + " ".join(bad))

    def no_kill(r):
        return {"killed": False, "killed_by": [], "not_credited": [],
                "citing_cases": len(citing.get(r, {})), "targets_run": []}

    for m, rel_targets, targets, skipped, parts in plan:
        rec = {
            "format": FORMAT, "name": m["name"], "kind": m["kind"], "catalogue": m["catalogue"],
            "description": m["description"], "file": m["file"], "breaks": m["breaks"],
            "survives": m["survives"], "rel_targets": rel_targets,
            "skipped_targets": skipped, "started": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                  time.gmtime()),
            "head": head, "dirty": dirty, "baseline_checked": True,
            "excluded_targets": EXCLUDED_TARGETS,
        }
        if not targets:
            rec.update(status="no-tests", targets=[], not_run={},
                       requirements={r: no_kill(r) for r in m["breaks"]}, seconds=0)
            rec["key_parts"] = parts
            rec["key"] = freshness.mutant_key(parts, freshness.verdict_of(rec))
            log("%s: no test target cites %s and depends on %s" % (
                m["name"], ", ".join(m["breaks"]), m["file"]))
            freshness.write_json(freshness.mutant_path(results_dir, m["name"]), rec)
            continue
        log("%s: %s; %d targets in tiers %s" % (
            m["name"], m["description"], len(targets),
            "/".join(str(sum(1 for t in targets if tier_of(t) == k)) for k in range(len(TIERS)))))
        path = os.path.join(ws, m["file"])
        with open(path, encoding="utf-8") as f:
            original = f.read()  # the scratch copy, restored after every tier
        t0 = time.monotonic()
        ran, logs, build_s, test_s, build_failed = {}, [], 0.0, 0.0, False
        remaining = list(m["breaks"])
        reqs = {r: no_kill(r) for r in m["breaks"]}
        for k, tier in enumerate(TIERS):
            tier_targets = sorted({t for r in remaining for t in rel_targets[r]
                                   if tier_of(t) == k})
            if not tier_targets:
                continue
            ensure_baseline(tier_targets)
            try:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(mutate_text(m, original))
                run = run_tests(ws, tier_targets, out, "mutant-%s-%d" % (m["name"], k))
            finally:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(original)
            build_s += run["build_seconds"]
            test_s += run["test_seconds"]
            logs.append({"tier": tier, "log": run["log"], "test_logs": run["test_logs"]})
            ran.update(run["targets"])
            if run["build_rc"] != 0:
                build_failed = True
                break
            baseline = {"targets": {t: base_entries[t]["result"] for t in ran}}
            reqs = judge(m, {"targets": ran}, baseline, citing, rel_targets)
            remaining = [r for r in m["breaks"] if not reqs[r]["killed"]]
            if not remaining:
                break
        rec["targets"] = sorted(ran)
        # A cheaper tier killed every requirement these targets cite: running
        # them could only add kills, never take one back.
        rec["not_run"] = {t: "every requirement it cites was killed by a cheaper tier"
                          for t in targets if t not in ran}
        rec["seconds"] = round(time.monotonic() - t0, 1)
        rec["build_seconds"] = round(build_s, 1)
        rec["test_seconds"] = round(test_s, 1)
        rec["logs"] = logs
        rec["target_status"] = {t: {"status": r["status"], "complete": r["complete"],
                                    "seconds": r["seconds"], "cached": r["cached"],
                                    "failed_cases": [c["name"] for c in r["cases"] if c["failed"]]}
                                for t, r in ran.items()}
        if build_failed:
            rec["status"] = "build-failed"
            rec["requirements"] = {r: no_kill(r) for r in m["breaks"]}
            log("%s: BUILD FAILED (the mutant does not compile; see %s)" % (
                m["name"], logs[-1]["log"]))
        else:
            rec["requirements"] = reqs
            k = sum(1 for r in reqs.values() if r["killed"])
            rec["status"] = ("killed" if k == len(m["breaks"]) else
                             "partly-killed" if k else "survived")
            log("%s: %s (%d of %d requirements) in %.0f s (build %.0f s, tests %.0f s; "
                "%d of %d targets run)" % (
                    m["name"], rec["status"].upper(), k, len(m["breaks"]), rec["seconds"],
                    build_s, test_s, len(ran), len(targets)))
        parts["targets"] = {t: {"key": base_entries[t]["deps"]["key"],
                                "recorded": base_entries[t]["recorded"]} for t in ran}
        rec["key_parts"] = parts
        rec["key"] = freshness.mutant_key(parts, freshness.verdict_of(rec))
        rec["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        freshness.write_json(freshness.mutant_path(results_dir, m["name"]), rec)

    log("results: %s" % results_dir)
    final = freshness.verify(ROOT, results_dir, cits, by_name)["mutants"]
    survived = [n for n in (m["name"] for m, *_ in plan) if final[n].get("status") != "killed"]
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
