"""Keys of mutation results: what each result depends on, and whether it still holds.

A result is valid only for the files it was obtained from. Instead of one
identity of the whole tree (any commit would discard every result), each
result carries the list of exactly what it depends on, and its key is a hash
of their contents (tools/mutation/README.md, "Keys"):

  baseline target T   the workspace files of `bazel query 'deps(T)'` (source
                      files, BUILD and .bzl files via buildfiles(...)), the
                      listing of every package directory involved (a new file
                      a glob picks up changes the listing, not any listed
                      file), the files every build reads (GLOBAL_FILES) and
                      the run itself (TOOL_FILES: it decides the outcomes)
  mutant M            its catalogue entry (file, replacements, breaks), the
                      citation selection (every type=test citation of the
                      requirements it breaks: `trace --list-citations`, case
                      and file, so a new citing case anywhere invalidates it),
                      the BUILD files of the packages holding those cases, and
                      the key (and recording time) of the baseline entry of
                      each target it ran: a mutant is judged against that
                      baseline and is only valid while it is

The file list is stored with the result, so the check needs neither Bazel nor
the run: `mutate.py --verify DIR --citations FILE` (the report runs it with
its own scan's citations) rehashes them and says, per entry, current or stale
and why. What cannot be hashed: the system tools and libraries the tests run
(openssl, sipp, kamailio, python3, the compiler); see the README.
"""
import hashlib
import json
import os
import subprocess

FORMAT = 3  # 3: the verdict and the baseline outcome are hashed too
# Read by every build and test: flags, toolchain and external versions.
GLOBAL_FILES = (".bazelrc", ".bazelversion", "MODULE.bazel", "MODULE.bazel.lock", ".bazelignore")
# The run and its judgment (mutate.py); this module only defines the keys, and
# a change to it that matters changes the keys it computes.
TOOL_FILES = ("tools/mutation/mutate.py",)
# Where results live in the tree; never part of a listing (a run writes there).
RESULTS_DIR = "tools/mutation/results"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def tree_files(root):
    """The tracked and untracked non-ignored files of root (what a checkout has)."""
    out = subprocess.run(["git", "-C", root, "ls-files", "-z", "-c", "-o", "--exclude-standard"],
                         check=True, capture_output=True).stdout.decode()
    return sorted({f for f in out.split("\0")
                   if f and os.path.lexists(os.path.join(root, f))
                   and not f.startswith(RESULTS_DIR + "/")})


class Tree:
    """File contents and package listings of one tree, hashed once each."""

    def __init__(self, root):
        self.root = root
        self.files = tree_files(root)
        self.fileset = set(self.files)
        self.build_dirs = {os.path.dirname(f) for f in self.files
                           if os.path.basename(f) in ("BUILD", "BUILD.bazel")}
        self._digest = {}
        self._listing = {}

    def hash_all(self):
        """Reads every file now (a run calls this before it copies the tree,
        so its keys are of the content it tests, not of later edits)."""
        for f in self.files:
            if os.path.isfile(os.path.join(self.root, f)):
                self.digest(f)

    def differs_from(self, other_root):
        """Files whose content under other_root is not what this tree hashed."""
        out = []
        for f in self.files:
            path = os.path.join(other_root, f)
            if f in self._digest and os.path.isfile(path) and not self._digest[f].startswith("dir:"):
                with open(path, "rb") as fh:
                    if sha256(fh.read()) != self._digest[f]:
                        out.append(f)
        return out

    def digest(self, rel):
        """sha256 of a file's content ("missing" if the tree has no such file)."""
        if rel not in self._digest:
            path = os.path.join(self.root, rel)
            if rel not in self.fileset and not os.path.isfile(path):
                self._digest[rel] = "missing"
            elif os.path.isdir(path):
                self._digest[rel] = "dir:" + self.listing(rel)
            else:
                with open(path, "rb") as f:
                    self._digest[rel] = sha256(f.read())
        return self._digest[rel]

    def package_of(self, rel):
        d = os.path.dirname(rel)
        while d and d not in self.build_dirs:
            d = os.path.dirname(d)
        return d

    def listing(self, pkg):
        """sha256 of the names of the files in package pkg (subpackages excluded)."""
        if pkg not in self._listing:
            prefix = pkg + "/" if pkg else ""
            names = [f for f in self.files if f.startswith(prefix) and self.package_of(f) == pkg]
            self._listing[pkg] = sha256("\n".join(names).encode())
        return self._listing[pkg]


def label_path(label):
    """//pkg:name -> pkg/name; None for external labels."""
    if not label.startswith("//"):
        return None
    pkg, _, name = label[2:].partition(":")
    return os.path.join(pkg, name) if pkg else name


def deps_record(tree, files, packages):
    """{"files": {path: digest}, "packages": {pkg: listing}, "key": ...} of a file set."""
    files = sorted(set(files) | set(GLOBAL_FILES) | set(TOOL_FILES))
    rec = {"files": {f: tree.digest(f) for f in files},
           "packages": {p: tree.listing(p) for p in sorted(set(packages))}}
    rec["key"] = key_of(rec["files"], rec["packages"])
    return rec


def key_of(files, packages):
    return sha256(json.dumps({"files": files, "packages": packages}, sort_keys=True).encode())


def deps_changes(tree, rec):
    """Why a recorded deps record no longer matches the tree ([] if it does)."""
    why = []
    for f, d in sorted(rec.get("files", {}).items()):
        now = tree.digest(f)
        if now != d:
            why.append("%s %s" % (f, "is gone" if now == "missing" else
                                  "is new" if d == "missing" else "changed"))
    for p, d in sorted(rec.get("packages", {}).items()):
        if tree.listing(p) != d:
            why.append("the files of package //%s changed" % p)
    if not why and key_of(rec.get("files", {}), rec.get("packages", {})) != rec.get("key"):
        why.append("the recorded key does not match its file list")
    return why


# ------------------------------------------------------------ mutants
def entry_digest(m):
    """The part of a catalogue entry the outcome depends on (not its prose)."""
    return sha256(json.dumps({"file": m["file"], "subs": [list(s) for s in m["subs"]],
                              "breaks": sorted(m["breaks"])}, sort_keys=True).encode())


def citation_selection(cits, breaks):
    """The type=test citations (case and file) of the requirements in breaks."""
    return sorted({"%s\t%s\t%s" % (c["id"], c["file"], c["target"]) for c in cits
                   if c["type"] == "test" and c["target"] and c["id"] in breaks})


def selection_files(tree, selection):
    """The BUILD files of the packages of the citing files (they map a case to targets)."""
    out = set()
    for line in selection:
        pkg = tree.package_of(line.split("\t")[1])
        for b in ("BUILD.bazel", "BUILD"):
            p = os.path.join(pkg, b) if pkg else b
            if p in tree.fileset:
                out.add(p)
    return sorted(out)


def mutant_key_parts(tree, m, cits):
    """A mutant's key, but for "targets": {T: {"key", "recorded"}} of the
    baseline entries it is judged against (known once the baseline ran)."""
    sel = citation_selection(cits, m["breaks"])
    return {
        "entry": entry_digest(m),
        "citations": sha256("\n".join(sel).encode()),
        "selection_files": {f: tree.digest(f) for f in selection_files(tree, sel)},
        "targets": {},
    }


def verdict_of(rec):
    """The part of a mutant's record the report credits: its status, the
    per-requirement outcome and the targets it ran. Hashed into the key, so a
    record whose verdict was edited after the run no longer verifies."""
    return {"status": rec.get("status"), "requirements": rec.get("requirements"),
            "targets": rec.get("targets")}


def mutant_key(parts, verdict):
    return sha256(json.dumps({"parts": parts, "verdict": verdict}, sort_keys=True).encode())


def result_key(result):
    """Hash of a baseline entry's recorded outcome (status and cases)."""
    return sha256(json.dumps(result, sort_keys=True).encode())


def baseline_result_ok(entry):
    return entry.get("result_key") == result_key(entry.get("result"))


def parse_citations(text):
    """The lines of `trace --list-citations` (id, type, file, line, case)."""
    cits = []
    for line in text.splitlines():
        p = line.split("\t")
        if len(p) == 5:
            cits.append({"id": p[0], "type": p[1], "file": p[2], "line": int(p[3] or 0),
                         "target": p[4]})
    return cits


# ------------------------------------------------------------ the results directory
def safe_name(label):
    return label.lstrip("/").replace("/", "_").replace(":", "__")


def baseline_path(results, target):
    return os.path.join(results, "baseline", safe_name(target) + ".json")


def mutant_path(results, name):
    return os.path.join(results, "mutants", name + ".json")


def load_dir(results, sub):
    out = {}
    d = os.path.join(results, sub)
    if not os.path.isdir(d):
        return out
    for fn in sorted(os.listdir(d)):
        if fn.endswith(".json"):
            try:
                with open(os.path.join(d, fn)) as f:
                    j = json.load(f)
            except ValueError:
                continue
            if j.get("format") == FORMAT:
                out[j.get("target") or j.get("name")] = j
    return out


def write_json(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def verify(root, results, cits, mutants_by_name):
    """Every entry of the results directory against the tree at root.

    Returns {"format", "baseline": {T: {"current", "why"}}, "mutants": {name:
    record with "current" and "why"}}: a mutant is current only if its
    catalogue entry, citation selection and every baseline entry it was
    judged against are unchanged and current themselves."""
    tree = Tree(root)
    base = load_dir(results, "baseline")
    base_state = {}
    for t, b in base.items():
        why = deps_changes(tree, b.get("deps", {}))
        if not baseline_result_ok(b):
            why.append("its recorded outcome does not match its result key")
        base_state[t] = {"current": not why, "why": why}
    out_m = {}
    for name, r in load_dir(results, "mutants").items():
        why = []
        m = mutants_by_name.get(name)
        parts = r.get("key_parts", {})
        # A kill is a case of a target that failed under the mutant and passed
        # in the baseline: it holds while the mutant's entry and that target's
        # files (its cases, their citations and REQ assertions included) are
        # unchanged, whatever is cited or built elsewhere. Only a result with a
        # requirement not killed depends on the whole selection of citing
        # cases: a new citing case, or a BUILD change mapping cases to other
        # targets, could kill it.
        all_killed = bool(r.get("requirements")) and all(
            v.get("killed") for v in r.get("requirements", {}).values())
        if m is None:
            why.append("the mutant is no longer in the catalogue")
        else:
            if entry_digest(m) != parts.get("entry"):
                why.append("its catalogue entry changed")
            sel = citation_selection(cits, m["breaks"])
            if not all_killed and sha256("\n".join(sel).encode()) != parts.get("citations"):
                why.append("the test cases citing %s changed" % ", ".join(m["breaks"]))
        for f, d in sorted(parts.get("selection_files", {}).items()):
            if not all_killed and tree.digest(f) != d:
                why.append("%s changed" % f)
        for t, tk in sorted(parts.get("targets", {}).items()):
            b = base.get(t)
            if b is None:
                why.append("no baseline entry of %s" % t)
            elif not base_state[t]["current"]:
                why.append("%s: %s" % (t, "; ".join(base_state[t]["why"][:3]) +
                                       (" ..." if len(base_state[t]["why"]) > 3 else "")))
            elif b["deps"]["key"] != tk.get("key") or b.get("recorded") != tk.get("recorded"):
                why.append("the baseline of %s was run again since" % t)
        if not why and mutant_key(parts, verdict_of(r)) != r.get("key"):
            why.append("the recorded key does not match its parts and verdict")
        r = dict(r)
        if m is not None:  # the prose is not in the key: the catalogue's current words
            r["description"], r["survives"] = m["description"], m["survives"]
        r["current"] = not why
        r["why"] = why
        out_m[name] = r
    return {"format": FORMAT, "baseline": base_state, "mutants": out_m}
