#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the results of tests/bench/guest-bench.sh into ratios.

    report.py --results FILE [--command CMD] [--md OUT.md] [--png OUT.png]
              [--data OUT.tsv]

Every ratio compares two measurements of the same repetition (made
minutes apart in the same VM) and the report gives the median over the
repetitions, with the smallest and largest per-repetition ratio.  Goals
from the tracker are printed next to the ratios; nothing fails on them.
"""
import argparse
import collections
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

# every matrix configuration the guest knows; CONFIGS: those in the results
ALL_CONFIGS = ["raw", "linear", "dxm", "dxm1", "mirror", "md"]
CONFIGS = list(ALL_CONFIGS)
CONFIG_NAMES = {
    "raw": "raw pmem",
    "linear": "dm-linear",
    "dxm": "daxmirror",
    "dxm1": "daxmirror, leg 1 failed",
    "mirror": "dm-mirror",
    "md": "md raid1",
    "dd": "dd copy",
    "dxm_shifted": "daxmirror, leg 1 shifted 148 KiB (emulator control)",
}
REBUILD_CFGS = ["dxm", "dxm_shifted", "mirror", "md"]
WORKLOADS = [
    ("dax_randread_mmap", "4 KiB random read, fio mmap, ext4 (-o dax)"),
    ("dax_randread_mmap_warm",
     "4 KiB random read, fio mmap, ext4 (-o dax), after a 2 s warm-up"),
    ("dax_randwrite_mmap", "4 KiB random write, fio mmap, ext4 (-o dax)"),
    ("dax_randread_libpmem", "4 KiB random read, fio libpmem, ext4 (-o dax)"),
    ("dax_randread_libpmem_warm",
     "4 KiB random read, fio libpmem, ext4 (-o dax), after a 2 s warm-up"),
    ("dax_randwrite_libpmem", "4 KiB random write, fio libpmem, ext4 (-o dax)"),
    ("fsync_randwrite", "4 KiB random write + fsync, psync, ext4 (-o dax)"),
    ("dio_randwrite_4k", "4 KiB random write, O_DIRECT, raw device"),
    ("dio_seqwrite_1m", "1 MiB sequential write, O_DIRECT, raw device"),
    ("dio_randwrite_4k_2j",
     "4 KiB random write, O_DIRECT, raw device, 2 jobs (IOPS of both)"),
    ("dio_seqwrite_1m_2j",
     "1 MiB sequential write, O_DIRECT, raw device, 2 jobs (MiB/s of both)"),
]
SHORT = {
    "dax_randread_mmap": "rand read\\nmmap",
    "dax_randread_mmap_warm": "rand read\\nmmap, warm",
    "dax_randwrite_mmap": "rand write\\nmmap",
    "dax_randread_libpmem": "rand read\\nlibpmem",
    "dax_randread_libpmem_warm": "rand read\\nlibpmem, warm",
    "dax_randwrite_libpmem": "rand write\\nlibpmem",
    "fsync_randwrite": "rand write\\n+fsync",
    "dio_randwrite_4k": "O_DIRECT\\n4K rand write",
    "dio_seqwrite_1m": "O_DIRECT\\n1M seq write",
    "dio_randwrite_4k_2j": "O_DIRECT 2 jobs\\n4K rand write",
    "dio_seqwrite_1m_2j": "O_DIRECT 2 jobs\\n1M seq write",
}
# goals written in the tracker: (section, metric, config, reference, goal)
GOALS = [
    ("matrix", "fsync_randwrite", "dxm", "linear", 0.6,
     "fsync'd 4 KiB random writes on ext4 -o dax"),
    ("matrix", "dax_randread_mmap_warm", "dxm", "linear", 0.97,
     "DAX 4 KiB random reads (mmap, after warm-up)"),
    ("matrix", "dax_randread_libpmem_warm", "dxm", "linear", 0.97,
     "DAX 4 KiB random reads (libpmem, after warm-up)"),
    ("matrix", "dax_randread_mmap", "dxm", "linear", 0.97,
     "DAX 4 KiB random reads (mmap, from cold)"),
    ("matrix", "dax_randread_libpmem", "dxm", "linear", 0.97,
     "DAX 4 KiB random reads (libpmem, from cold)"),
    ("rebuild", "copy_MBps", "dxm", "dd", 0.8,
     "rebuild throughput vs dd copy"),
    ("control", "fsync_randwrite", "dxm", "linear", 0.6,
     "control: fsync'd 4 KiB random writes, CPU model without ERMS"),
]
FLUSH_PAGES = [1, 16, 256, 4096]
# flush points: 4 KiB mappings with N pages dirtied, and 1 page through a
# 2 MiB-aligned mapping (2 MiB DAX faults)
FLUSH_POINTS = [f"pte_{k}" for k in FLUSH_PAGES] + ["pmd_1"]


def load(path):
    info = {}
    vals = collections.defaultdict(dict)   # (sec, met, cfg) -> {rep: val}
    notes = collections.defaultdict(dict)
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 6:
                continue
            sec, met, cfg, rep, val, unit = parts[:6]
            note = parts[6] if len(parts) > 6 else ""
            if sec == "info":
                info[met] = val
                continue
            key = (sec, met, cfg)
            notes[key][rep] = note
            try:
                vals[key][rep] = float(val)
            except ValueError:
                pass
    return info, vals, notes


def ratio(vals, sec, met, cfg, ref, invert=False):
    """Median over repetitions of value(cfg)/value(ref), with min, max, n."""
    a = vals.get((sec, met, cfg), {})
    b = vals.get((sec, met, ref), {})
    rs = []
    for rep in sorted(set(a) & set(b)):
        if a[rep] > 0 and b[rep] > 0:
            rs.append(b[rep] / a[rep] if invert else a[rep] / b[rep])
    if not rs:
        return None
    return statistics.median(rs), min(rs), max(rs), len(rs)


def ratio_cpu(vals, notes, sec, met, cfg, ref, time=False):
    """Like ratio(), each value first scaled by the guest's CPU speed
    measured around it (throughput / speed; for times: time * speed)."""
    def scaled(key):
        out = {}
        for rep, v in vals.get(key, {}).items():
            c = None
            for tok in notes.get(key, {}).get(rep, "").split():
                if tok.startswith("cpu="):
                    c = float(tok[4:])
            if c:
                out[rep] = v * c if time else v / c
        return out
    a = scaled((sec, met, cfg))
    b = scaled((sec, met, ref))
    rs = [a[r] / b[r] for r in sorted(set(a) & set(b)) if a[r] > 0 and b[r] > 0]
    if not rs:
        return None
    return statistics.median(rs), min(rs), max(rs), len(rs)


def median(vals, key):
    v = list(vals.get(key, {}).values())
    return statistics.median(v) if v else None


def note_field(notes, key, field):
    """Median of a numeric field (name=value) of the notes of one key."""
    out = []
    for n in notes.get(key, {}).values():
        for tok in n.split():
            if tok.startswith(field + "="):
                try:
                    out.append(float(tok.split("=", 1)[1]))
                except ValueError:
                    pass
    return statistics.median(out) if out else None


def fmt(r, digits=2):
    if r is None:
        return "n/a"
    m, lo, hi, n = r
    if n > 1:
        return f"{m:.{digits}f} ({lo:.{digits}f}-{hi:.{digits}f})"
    return f"{m:.{digits}f}"


def cell(met, c, mark):
    """One matrix cell: the ratio, marked when ext4 ran without DAX."""
    if c["ratio"] is None and c["dax"] is False and "libpmem" in met:
        return "n/a (needs DAX)"
    s = fmt(c["ratio"])
    if met.startswith(("dax_", "fsync_")) and c["dax"] is False:
        s += mark
    return s


def dax_of(notes, key):
    for n in notes.get(key, {}).values():
        if "dax=1" in n.split():
            return True
        if "dax=0" in n.split():
            return False
    return None


def failover(vals):
    """Section failover: per point ("N": one page in each of N regions;
    "Nfull": every page of N regions) the time of "rebuild 0" of the
    primary (median, min, max, n), and per repetition the time beyond
    point 0's divided by N (ms per faulted region)."""
    met = ("failover", "rebuild_primary_s")
    pts = sorted((k[2][4:] for k in vals if k[:2] == met),
                 key=lambda p: (p.endswith("full"), int(p.removesuffix("full"))))
    out = {}
    base = vals.get(met + ("dxm-0",), {})
    for p in pts:
        n = int(p.removesuffix("full"))
        v = vals[met + (f"dxm-{p}",)]
        t = list(v.values())
        per = [(v[r] - base[r]) / n * 1000 for r in v if n and r in base]
        out[p] = ((statistics.median(t), min(t), max(t), len(t)),
                  (statistics.median(per), min(per), max(per), len(per)) if per else None)
    return out


def build(info, vals, notes):
    """All the numbers the outputs need, computed once."""
    res = {"matrix": {}, "goals": [], "rebuild": {}, "flush": {}}
    for met, _ in WORKLOADS:
        row = {}
        for cfg in ALL_CONFIGS:
            key = ("matrix", met, cfg)
            row[cfg] = {
                "ratio": ratio(vals, "matrix", met, cfg, "linear"),
                "dax": dax_of(notes, key),
                "median": median(vals, key),
                "p99_us": note_field(notes, key, "p99_us"),
                "fsync_p50_us": note_field(notes, key, "fsync_p50_us"),
                "fsync_p99_us": note_field(notes, key, "fsync_p99_us"),
                "flushes": note_field(notes, key, "flushes"),
                "hot": note_field(notes, key, "hot_regions_after"),
            }
        res["matrix"][met] = row
    for cfg in REBUILD_CFGS:
        res["rebuild"][cfg] = {
            "ratio": ratio(vals, "rebuild", "copy_MBps", cfg, "dd"),
            "seconds": note_field(notes, ("rebuild", "copy_MBps", cfg), "seconds"),
        }
    res["rebuild"]["dd"] = {
        "seconds": note_field(notes, ("rebuild", "copy_MBps", "dd"), "seconds")}
    for met in FLUSH_POINTS:
        fl = {}
        for size in ["small", "large"]:
            # cost ratio: time(daxmirror) / time(dm-linear); > 1 is slower
            fl[f"dxm_vs_linear_{size}"] = ratio(vals, "flush", met,
                                                f"dxm-{size}", f"linear-{size}")
            fl[f"us_dxm_{size}"] = median(vals, ("flush", met, f"dxm-{size}"))
            fl[f"us_linear_{size}"] = median(vals, ("flush", met, f"linear-{size}"))
            fl[f"pmd_{size}"] = pmd_faults(notes, ("flush", met, f"dxm-{size}"))
        fl["dxm_large_vs_small"] = ratio(vals, "flush", met, "dxm-large", "dxm-small")
        fl["linear_large_vs_small"] = ratio(vals, "flush", met, "linear-large",
                                            "linear-small")
        res["flush"][met] = fl
    res["failover"] = failover(vals)
    for sec, met, cfg, ref, goal, what in GOALS:
        r = ratio(vals, sec, met, cfg, ref)
        rc = ratio_cpu(vals, notes, sec, met, cfg, ref)
        res["goals"].append((what, goal, r, rc))
    # how much the guest's CPU speed moved (all measurements)
    cpus = [float(t[4:]) for d in notes.values() for n in d.values()
            for t in n.split() if t.startswith("cpu=")]
    res["cpu_range"] = (min(cpus), statistics.median(cpus), max(cpus)) if cpus else None
    return res


def verdict(goal, r):
    if r is None:
        return "not measured"
    return "meets the goal" if r[0] >= goal else "below the goal"


def text_table(info, res):
    out = []
    out.append(f"kernel {info.get('kernel', '?')}, {info.get('date', '?')}, "
               f"module: {info.get('module', '?')}")
    out.append("Throughput ratio to dm-linear (median of per-repetition ratios, "
               "min-max); * = ext4 without DAX (the device offers none)")
    w = max([20] + [len(CONFIG_NAMES[c]) + 2 for c in CONFIGS])
    hdr = f"{'workload':<24}" + "".join(f"{CONFIG_NAMES[c]:>{w}}" for c in CONFIGS
                                        if c != "linear")
    out.append(hdr)
    for met, _ in WORKLOADS:
        row = res["matrix"][met]
        cells = []
        for c in CONFIGS:
            if c == "linear":
                continue
            s = cell(met, row[c], "*")
            cells.append(f"{s:>{w}}")
        out.append(f"{met:<24}" + "".join(cells))
    out.append("")
    out.append("Rebuild/resync throughput ratio to a dd copy of the same size:")
    for cfg in REBUILD_CFGS:
        out.append(f"  {CONFIG_NAMES[cfg]:<52} {fmt(res['rebuild'][cfg]['ratio'])}")
    out.append("")
    out.append("Flush cost (daxmirror, sync_interval_ms 0; store + fsync loop), "
               "time ratios (> 1 = slower):")
    out.append(f"  {'hot pages':>9} {'dxm/lin small':>20} {'dxm/lin large':>20} "
               f"{'dxm large/small':>20} {'lin large/small':>20}")
    for met in FLUSH_POINTS:
        fl = res["flush"][met]
        k = met.replace("pte_", "").replace("pmd_1", "1 (2M map)")
        out.append(f"  {k:>9} {fmt(fl['dxm_vs_linear_small']):>20} "
                   f"{fmt(fl['dxm_vs_linear_large']):>20} "
                   f"{fmt(fl['dxm_large_vs_small']):>20} "
                   f"{fmt(fl['linear_large_vs_small']):>20}")
    if res["failover"]:
        out.append("")
        out.append("Failover: \"rebuild 0\" of the primary against the regions "
                   "files had faulted (s; ms per faulted region beyond N = 0):")
        for n, (t, per) in res["failover"].items():
            out.append(f"  {n:>9} {fmt(t, 3):>24} {fmt(per, 3):>24}")
    out.append("")
    out.append("Goals (reported, not asserted); last column: the same ratio with "
               "each run scaled by the guest CPU speed measured around it")
    for what, goal, r, rc in res["goals"]:
        out.append(f"  {what:<45} goal >= {goal:<5} measured {fmt(r):<20} "
                   f"{verdict(goal, r):<15} cpu-corrected {fmt(rc)}")
    if res["cpu_range"]:
        lo, med, hi = res["cpu_range"]
        out.append(f"guest CPU speed over the run (cpurate, M loops/s): min {lo:.1f}, "
                   f"median {med:.1f}, max {hi:.1f}")
    return "\n".join(out)


def write_md(path, info, res, png_name, data_name):
    reps = info.get("reps", "?")
    L = []
    L.append("<!-- SPDX-License-Identifier: GPL-2.0 -->")
    L.append("# daxmirror performance")
    L.append("")
    L.append("Generated by `scripts/bench` (guest side `tests/bench/guest-bench.sh`, "
             "report `tests/bench/report.py`). Do not edit by hand: rerun it.")
    L.append("")
    L.append("**Read this first.** The numbers come from a QEMU guest that *emulates "
             "the CPU* (TCG, no KVM) with emulated NVDIMMs, on a 2-core host "
             "shared with other jobs. Absolute numbers are 10-50x below real "
             "hardware and noisy, and they are not shown here. Only ratios carry "
             "meaning: each is daxmirror (or a peer) divided by **dm-linear over "
             "the same pmem**, measured in the same VM run, a few minutes apart, "
             f"repeated {reps} times in rotating order; the table gives the median "
             "of the per-repetition ratios and, in brackets, the smallest and the "
             "largest. TCG also distorts *relative* costs (some instructions are "
             "far more expensive to emulate than others), so a ratio here is "
             "evidence about where time goes, not a prediction for real "
             "Optane/CXL hardware.")
    L.append("")
    L.append("| | |")
    L.append("|---|---|")
    L.append(f"| command | `{info.get('command', '?')}` |")
    L.append(f"| date | {info.get('date', '?')} |")
    L.append(f"| guest kernel | {info.get('kernel', '?')} |")
    L.append(f"| module | {info.get('module', '?')} |")
    L.append(f"| fio | {info.get('fio', '?')}, {info.get('runtime_s', '?')} s per job, "
             f"QD1, one job, {info.get('file_mb', '?')} MiB file |")
    big = int(info.get("large_leg_sectors", "0")) * 512 >> 20
    small = int(info.get("small_leg_sectors", "0")) * 512 >> 20
    media = {"tmpfs": ", media files on the host's tmpfs",
             "disk": ", media files on the host's disk"}.get(info.get("media"), "")
    L.append(f"| VM | QEMU TCG (`-cpu max`, {info.get('vcpus', '1')} vCPU, 1 GiB), 4 emulated NVDIMMs "
             f"(fsdax: 2 x {big} MiB, 2 x {small} MiB{media}) |")
    L.append(f"| whole run | {info.get('total_seconds', '?')} s |")
    L.append("")
    L.append(f"![ratios to dm-linear]({png_name})")
    L.append("")
    L.append("## Goals from the tracker (reported, not asserted)")
    L.append("")
    L.append("| goal | target | measured ratio | | CPU-corrected ratio |")
    L.append("|---|---|---|---|---|")
    for what, goal, r, rc in res["goals"]:
        L.append(f"| {what} | >= {goal} | {fmt(r)} | {verdict(goal, r)} | {fmt(rc)} |")
    L.append("")
    if info.get("control_qemu_cpu"):
        L.append("The control row is not a goal of its own: it is the fsync job "
                 "again, dm-linear against daxmirror, in a second VM whose CPU "
                 f"model is `-cpu {info['control_qemu_cpu']}`. With ERMS the "
                 "kernel's machine-check-safe copy (`copy_mc_to_kernel()`) is "
                 "`rep movsb`, which TCG emulates a byte at a time (7.4 us for "
                 "4 KiB in this VM, against 1.0 us for `memcpy()`); without ERMS "
                 "the kernel uses an ordinary copy loop. daxmirror's flush copy "
                 "used it until commit fe4617d and was then 0.49 against 0.54 in "
                 "the control; it now uses its own machine-check-safe loop "
                 "(dm-target/pmemcopy.c), so the two rows should agree. The main "
                 "row stays the reference.")
        L.append("")
    L.append("The CPU-corrected column divides each run's result by the guest's CPU "
             "speed measured right before and after it (`tests/bench/cpurate`: an "
             "integer loop; under TCG it follows the CPU share the VM gets on the "
             "shared host)" + (
                 f", which moved between {res['cpu_range'][0]:.1f} and "
                 f"{res['cpu_range'][2]:.1f} (median {res['cpu_range'][1]:.1f}) "
                 "million loops/s during this run" if res["cpu_range"] else "")
             + (f"; host load average {info['host_load']}" if info.get("host_load") else "")
             + ". Where both columns agree, the contention did not decide the "
             "result.")
    L.append("")
    L.append("## Throughput relative to dm-linear (higher is better)")
    L.append("")
    L.append("Configurations over the same two large NVDIMMs: raw pmem (the "
             "disk itself), dm-linear (reference = 1.00), daxmirror "
             "(`0 <len> daxmirror LEG0 LEG1 1 nosync`, defaults otherwise: "
             "64 KiB regions, `sync_interval_ms` 1000), dm-mirror "
             "(`mirror core 2 1024 nosync`, 512 KiB regions), md raid1 "
             "(`--bitmap=internal --assume-clean --metadata=1.0`). "
             "dm-mirror and md offer no DAX, so their \"DAX\" rows run on "
             "ext4 **without** `-o dax`, through the page cache (marked *): "
             "that is what their users get, and it is not the same work.")
    L.append("")
    L.append("| workload | " + " | ".join(CONFIG_NAMES[c] for c in CONFIGS) + " |")
    L.append("|---|" + "---|" * len(CONFIGS))
    for met, desc in WORKLOADS:
        row = res["matrix"][met]
        cells = []
        for c in CONFIGS:
            cells.append(cell(met, row[c], " *"))
        L.append(f"| {desc} | " + " | ".join(cells) + " |")
    L.append("")
    L.append("\\* ext4 without DAX (page cache): the device offers no DAX. "
             "n/a (needs DAX): fio's libpmem engine refuses a file that is not "
             "on a DAX mapping.")
    L.append("")
    fs = res["matrix"]["fsync_randwrite"]
    L.append("fsync latency (fio, median over repetitions of the per-run "
             "percentile, in multiples of dm-linear's): "
             + "; ".join(
                 f"{CONFIG_NAMES[c]} p50 {rel(fs[c]['fsync_p50_us'], fs['linear']['fsync_p50_us'])}, "
                 f"p99 {rel(fs[c]['fsync_p99_us'], fs['linear']['fsync_p99_us'])}"
                 for c in CONFIGS if c != "linear") + ".")
    hot = res["matrix"]
    hl = [f"{met}: {int(hot[met]['dxm']['hot'])}" for met, _ in WORKLOADS
          if hot[met]["dxm"]["hot"] is not None and met.startswith(("dax_", "fsync"))]
    if hl:
        L.append("")
        L.append("daxmirror `hot_regions` right after each job (64 KiB regions "
                 "still to be copied at that moment): " + ", ".join(hl) + ".")
    L.append("")
    L.append("## Rebuild and resync throughput relative to a dd copy")
    L.append("")
    rb = int(info.get("rebuild_bytes", "0")) >> 20
    L.append(f"{rb} MiB (the mirror data size of the two large NVDIMMs), "
             "no other I/O: "
             "`dd if=LEG0 of=LEG1 bs=1M iflag=direct oflag=direct` (reference = 1.00); "
             "daxmirror `dmsetup message NAME 0 rebuild 1` until the status "
             "action is `idle` (polled every 0.1 s); dm-mirror initial resync "
             "(table without `nosync`) until in sync; md raid1 initial resync "
             "(`mdadm --create` without `--assume-clean`, "
             "`speed_limit_max` raised so md is not capped).")
    L.append("")
    L.append("| | ratio to dd | median seconds (dd: "
             f"{num(res['rebuild']['dd']['seconds'])} s) |")
    L.append("|---|---|---|")
    for cfg in REBUILD_CFGS:
        r = res["rebuild"][cfg]
        L.append(f"| {CONFIG_NAMES[cfg]} | {fmt(r['ratio'])} | {num(r['seconds'])} |")
    L.append("")
    L.append("The control row is the same daxmirror rebuild with leg 1 given as a "
             "dm-linear device that starts 148 KiB into the NVDIMM. Under QEMU "
             "TCG, whose software TLB is direct-mapped, two addresses that "
             "differ by a large power of two (the NVDIMMs' spacing) evict each "
             "other; a copy that alternates between the legs at every access "
             "(`copy_mc_to_kernel()` from pmem to pmem, before commit 50a2130) "
             "was 7 times slower than dd because of it. daxmirror's copy "
             "(dm-target/pmemcopy.c) loads a 64-byte line from one leg into "
             "registers, then stores it to the other: it alternates between "
             "the legs once per line, not at every byte, so the two rows "
             "should agree; they are kept as the control. The times "
             "include the fixed cost of starting and ending a rebuild "
             "(superblock writes, the final flush) and up to 0.1 s of status "
             "polling.")
    L.append("")
    L.append("## Flush cost follows the hot data, not the device size")
    L.append("")
    ssz = int(info.get("small_mirror_sectors", "0")) * 512 >> 20
    bsz = int(info.get("mirror_sectors", "0")) * 512 >> 20
    L.append(f"daxmirror with `sync_interval_ms 0` on a small mirror ({ssz} MiB of "
             f"data, the two small NVDIMMs) and a {bsz / ssz if ssz else 0:.1f}x larger one "
             f"({bsz} MiB, the two large NVDIMMs), each against dm-linear over "
             "its own leg 0. `tests/bench/flushbench` maps a 64 MiB file on "
             "ext4 -o dax and repeats: store to N pages spread evenly over the "
             "file, `fsync`; the value is the median time of one such round "
             "(the stores with their write faults, plus the fsync). The file is "
             "mapped 4 KiB off a 2 MiB boundary so that only 4 KiB faults happen "
             "(N pages become hot per round); the last row maps it 2 MiB-aligned, "
             "where a 4 KiB store takes a 2 MiB fault. Ratios of times: "
             "**greater than 1 means slower**.")
    L.append("")
    L.append("| pages dirtied per fsync | daxmirror / dm-linear (small) | "
             "daxmirror / dm-linear (large) | daxmirror large / small | "
             "dm-linear large / small |")
    L.append("|---|---|---|---|---|")
    for met in FLUSH_POINTS:
        fl = res["flush"][met]
        label = met.replace("pte_", "") if met.startswith("pte_") else \
            "1, 2 MiB-aligned mapping"
        L.append(f"| {label} | {fmt(fl['dxm_vs_linear_small'])} | "
                 f"{fmt(fl['dxm_vs_linear_large'])} | "
                 f"{fmt(fl['dxm_large_vs_small'])} | "
                 f"{fmt(fl['linear_large_vs_small'])} |")
    L.append("")
    L.append("Cost growth with the hot set, daxmirror round time relative to its "
             "own 1-page round: "
             + ", ".join(f"{k} pages {growth(res, k)}" for k in FLUSH_PAGES[1:]) + ".")
    pm = res["flush"]["pmd_1"]
    if pm["pmd_small"] or pm["pmd_large"]:
        L.append("")
        L.append("2 MiB faults/fallbacks counted by the `fs_dax:dax_pmd_fault_done` "
                 f"tracepoint in the 2 MiB-aligned row (daxmirror): small "
                 f"{pm['pmd_small']}; large {pm['pmd_large']}.")
    L.append("")
    L.append("## Raw data")
    L.append("")
    L.append(f"Every measurement (one line per job and repetition, with fio "
             f"latency percentiles, flush counts and `hot_regions`) is in "
             f"[{data_name}]({data_name}).")
    L.append("")
    with open(path, "w") as f:
        f.write("\n".join(L))


def pmd_faults(notes, key):
    """'2 MiB faults/fallbacks' seen in the repetitions of one point."""
    seen = set()
    for n in notes.get(key, {}).values():
        for tok in n.split():
            if tok.startswith("pmd_faults="):
                seen.add(tok.split("=", 1)[1])
    return ", ".join(sorted(seen)) if seen else None


def rel(a, b):
    if a is None or b is None or b == 0:
        return "n/a"
    return f"{a / b:.1f}x"


def num(x):
    return "n/a" if x is None else f"{x:.1f}"


def growth(res, k):
    out = []
    for size in ["small", "large"]:
        a = res["flush"][f"pte_{k}"][f"us_dxm_{size}"]
        b = res["flush"]["pte_1"][f"us_dxm_{size}"]
        out.append(f"{a / b:.0f}x ({size})" if a and b else f"n/a ({size})")
    return ", ".join(out)


def write_png(path, res):
    if not shutil.which("gnuplot"):
        print("report: gnuplot not found, no chart", file=sys.stderr)
        return
    tmp = tempfile.mkdtemp(prefix="dxm-bench-")

    def v(r):
        return f"{r[0]:.4f}" if r else "NaN"
    m = os.path.join(tmp, "matrix.dat")
    with open(m, "w") as f:
        for met, _ in WORKLOADS:
            row = res["matrix"][met]
            f.write(f"\"{SHORT[met]}\" " +
                    " ".join(v(row[c]["ratio"]) for c in ["raw", "dxm", "mirror", "md"])
                    + "\n")
    rb = os.path.join(tmp, "rebuild.dat")
    with open(rb, "w") as f:
        names = {"dxm": "daxmirror", "dxm_shifted": "daxmirror,\\nemulator control",
                 "mirror": "dm-mirror", "md": "md raid1"}
        for c in REBUILD_CFGS:
            f.write(f"\"{names[c]}\" {v(res['rebuild'][c]['ratio'])}\n")
    fl = os.path.join(tmp, "flush.dat")
    with open(fl, "w") as f:
        for k in FLUSH_PAGES:
            r = res["flush"][f"pte_{k}"]
            f.write(f"{k} " + " ".join(v(r[x]) for x in
                    ["dxm_vs_linear_small", "dxm_vs_linear_large", "dxm_large_vs_small"])
                    + "\n")
    gp = os.path.join(tmp, "plot.gp")
    with open(gp, "w") as f:
        f.write(f"""
set terminal pngcairo size 1400,1000 font "DejaVu Sans,10" noenhanced
set output "{path}"
set multiplot title "daxmirror vs. peers: ratios measured in one QEMU TCG VM (emulated CPU, shared host: only ratios carry meaning)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set grid ytics
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lw 2 lc rgb "black"
set size 1, 0.52
set origin 0, 0.44
set yrange [0.003:30]
set ytics ("0.003" 0.003, "0.01" 0.01, "0.03" 0.03, "0.1" 0.1, "0.3" 0.3, "1" 1, "3" 3, "10" 10)
set key top right horizontal
set title "throughput relative to dm-linear over the same pmem (1 = same)"
set ylabel "ratio (log scale)"
plot "{m}" using 2:xtic(1) title "raw pmem" lc rgb "#9e9e9e", \\
     "" using 3 title "daxmirror" lc rgb "#d62728", \\
     "" using 4 title "dm-mirror (no DAX: page cache in the ext4 rows)" lc rgb "#1f77b4", \\
     "" using 5 title "md raid1 (no DAX: page cache in the ext4 rows)" lc rgb "#2ca02c"
set size 0.4, 0.44
set origin 0, 0.0
set bmargin 5
set yrange [0.01:3]
set ytics ("0.01" 0.01, "0.03" 0.03, "0.1" 0.1, "0.3" 0.3, "0.8" 0.8, "1" 1, "3" 3)
set title "rebuild/resync throughput relative to a dd copy"
set key off
set style histogram clustered gap 0.5
plot "{rb}" using 2:xtic(1) lc rgb "#d62728"
unset arrow 1
set size 0.6, 0.44
set origin 0.4, 0.0
set style data linespoints
set logscale x 4
set xrange [0.7:6000]
set xtics (1, 16, 256, 4096)
set yrange [0.3:1000]
set ytics ("0.3" 0.3, "1" 1, "3" 3, "10" 10, "30" 30, "100" 100, "300" 300, "1000" 1000)
set title "flush cost (store to N pages + fsync), sync_interval_ms 0, time ratio (>1 = slower)"
set xlabel "pages dirtied per fsync (4 KiB mappings)"
set ylabel "time ratio (log scale)"
set key top left vertical
set arrow 2 from graph 0, first 1 to graph 1, first 1 nohead lw 1 lc rgb "black"
plot "{fl}" using 1:2 title "daxmirror / dm-linear, small mirror" lw 2 pt 7 lc rgb "#ff7f0e", \\
     "" using 1:3 title "daxmirror / dm-linear, 4x larger mirror" lw 2 pt 5 lc rgb "#d62728", \\
     "" using 1:4 title "daxmirror large / small (device-size effect; 1 = none)" lw 2 pt 9 lc rgb "#9467bd"
unset multiplot
""")
    # a run of some sections leaves panels without points: no chart then
    if subprocess.run(["gnuplot", gp]).returncode:
        print("report: gnuplot failed (a section without results?), no chart",
              file=sys.stderr)
        if os.path.exists(path):
            os.remove(path)
    shutil.rmtree(tmp)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", required=True)
    ap.add_argument("--command")
    ap.add_argument("--md")
    ap.add_argument("--png")
    ap.add_argument("--data")
    a = ap.parse_args()
    info, vals, notes = load(a.results)
    CONFIGS[:] = [c for c in ALL_CONFIGS
                  if c in ("linear", "dxm") or any(k[0] == "matrix" and k[2] == c
                                                   for k in vals)]
    if a.command and "command" not in info:
        info["command"] = a.command
    res = build(info, vals, notes)
    print(text_table(info, res))
    if a.data:
        shutil.copyfile(a.results, a.data)
    if a.png:
        write_png(os.path.abspath(a.png), res)
    if a.md:
        write_md(a.md, info, res, os.path.basename(a.png or "performance.png"),
                 os.path.basename(a.data or a.results))
        print(f"\nwrote {a.md}" + (f", {a.png}" if a.png else "")
              + (f", {a.data}" if a.data else ""))


if __name__ == "__main__":
    main()
