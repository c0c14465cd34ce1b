#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
schedule.py SEED SECONDS MODE: the fault schedule of one round of the
fault-injection suite (tests/fault/run), a pure function of its arguments.

MODE is "normal" (the round ends with a final verification in the same
boot) or "cut" (a power cut at a random moment, then a second boot).
Output, one item per line:
  seed S / mode M / seconds T
  opt NAME VALUE          optional table arguments of the mirror
  legs nvdimm|mixed       mixed (normal rounds only, one in three): leg 1
                          is legacy memmap= pmem, whose poison a write
                          clears, instead of an NVDIMM, whose poison stays
  event MS KIND [ARGS]    a fault MS milliseconds after the load started
KIND: poison U1 U2 (U1 picks the leg, U2 the page, both in [0,1)),
fail LEG (then replace it with the spare NVDIMM), check, repair,
suspend MS, reload, cut.  The guest resolves U1/U2 against what it sees
at that moment (live legs, pages under the data).
"""
import random
import sys


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in ("normal", "cut"):
        sys.exit("usage: schedule.py SEED SECONDS normal|cut")
    seed, secs, mode = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    rng = random.Random(seed)
    print("seed %d" % seed)
    print("mode %s" % mode)
    print("seconds %d" % secs)
    # mirror options: defaults most of the time, other values sometimes
    region = rng.choice([128, 128, 64, 256, 512])
    interval = rng.choice([1000, 1000, 200, 0])
    spare = rng.choice([256, 256, 128])
    if region != 128:
        print("opt region_size %d" % region)
    if interval != 1000:
        print("opt sync_interval_ms %d" % interval)
    if spare != 256:
        print("opt spare_pages %d" % spare)
    print("opt nosync")     # fresh media are all zero: legs identical

    kinds = [("poison", 40), ("suspend", 12), ("reload", 12), ("check", 8),
             ("repair", 6), ("fail", 8)]
    total = sum(w for _, w in kinds)
    cut_at = rng.uniform(0.35, 0.95) * secs if mode == "cut" else None
    t, fails = rng.uniform(0.5, 2.0), 0
    while t < secs:
        if cut_at is not None and t >= cut_at:
            break
        x = rng.uniform(0, total)
        for kind, w in kinds:
            if x < w:
                break
            x -= w
        ms = int(t * 1000)
        if kind == "poison":
            print("event %d poison %.6f %.6f" % (ms, rng.random(), rng.random()))
        elif kind == "fail":
            leg = rng.randrange(2)
            if fails < 2:
                print("event %d fail %d" % (ms, leg))
                fails += 1
        elif kind == "suspend":
            print("event %d suspend %d" % (ms, rng.randrange(50, 1500)))
        else:
            print("event %d %s" % (ms, kind))
        t += rng.uniform(0.3, 3.0)
    if cut_at is not None:
        print("event %d cut" % int(cut_at * 1000))
    # drawn from its own generator: the schedules above stay as they were
    # before this choice existed.  Legacy pmem is RAM: power cuts lose
    # it, so cut rounds keep NVDIMM legs.
    legs = "nvdimm"
    if mode == "normal" and random.Random(seed * 31 + 7).randrange(3) == 0:
        legs = "mixed"
    print("legs %s" % legs)


if __name__ == "__main__":
    main()
