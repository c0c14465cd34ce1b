#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""
badinput-gen.py: malformed dm-daxmirror tables and messages, generated
from a seed (used by tests/vm/70-badinput.sh).  Every line is
"<kind><TAB><text>"; each must be refused by the kernel.

  badinput-gen.py tables SEED N LEN LEG0 LEG1 LEG0_MAJMIN SMALL FORMATTED
  badinput-gen.py messages SEED N LEN

LEN is the mirror's usable length (sectors), SMALL a block device too
small to be a leg, FORMATTED 1 when the legs hold a valid superblock pair
(then argument values that contradict the superblock are refused too).
"""
import random
import sys

U64 = 1 << 64

# numbers no parser may accept: junk, signs, fractions, hex, overflow
# (2^64 + k wraps to k in a careless strtoull), empty-ish
JUNK = ["x", "abc", "12a", "1x", "0x10", "1.5", "1e3", "-", "--1", "+",
        "128k", "0b1", "one", "NaN", "inf", "1,0", "1_0", "٣",
        str(U64 + 128), str(U64 + 1), str(2 * U64 + 8), "9" * 40]

OPT_BAD = {
    # key: values out of range or not numbers (each must be refused)
    "region_size": ["0", "1", "4", "7", "24", "100", "129", "2049", "4096",
                    "65536", "-8", "-128", "4294967424", str(U64 + 128)],
    "spare_pages": ["1048577", "2097152", "4294967295", "4294967296",
                    "-1", "-256", str(U64 + 256)],
    "sync_interval_ms": ["3600001", "4294967295", "4294967296", "-1",
                         "-1000", str(U64 + 100)],
    "rebuild": ["2", "3", "-1", "255", "4294967296", "4294967297",
                str(U64 + 1), str(U64)],
}
OPT_GOOD = {"region_size": ["128"], "spare_pages": ["256"],
            "sync_interval_ms": ["0", "1000", "5"], "rebuild": ["0", "1"]}
FLAGS = ["no_dax", "nosync"]
UNKNOWN = ["foo", "region", "regionsize", "region-size", "spare", "spares",
           "no-dax", "nodax", "dax", "sync", "nosync=1", "rebuild_leg",
           "sync_interval", "interval_ms", "0", "1", "-", "--", "''",
           "region_size=128", "bitmap", "data_offset", "leg0", "metadata"]


def tables(rng, n, length, a, b, a_mm, small, formatted):
    head = "0 %d daxmirror" % length
    out = set()

    def add(kind, words):
        out.add("%s\t%s" % (kind, " ".join(words)))

    def good_opts(k):
        """k valid optional arguments (flags or key value pairs)"""
        words, used = [], set()
        for _ in range(k):
            choice = rng.choice(list(OPT_GOOD) + FLAGS)
            if choice in used or choice == "rebuild":
                continue
            used.add(choice)
            if choice in FLAGS:
                words.append(choice)
            else:
                words += [choice, rng.choice(OPT_GOOD[choice])]
        return words

    def with_count(words):
        return [str(len(words))] + words

    # fixed ones: argument counts, legs
    for words in ([], [a], [b], ["-"], [a, b, "1"], [a, b, "2", "no_dax"],
                  [a, b, "3", "region_size", "128"], [a, b, "1", "region_size"],
                  [a, b, "2", "spare_pages"], [a, b, "1", "rebuild"],
                  ["-", "-"], [a, a], [b, b], [a, a_mm], [a_mm, a],
                  [a, b, "11"] + ["nosync"] * 11, [a, b, "0", "junk"],
                  [a, "-", "2", "rebuild", "1"], ["-", b, "2", "rebuild", "0"],
                  [a, "-", "2", "rebuild", "0"], ["-", b, "2", "rebuild", "1"],
                  [small, b], [a, small], ["/dev/null", b], [a, "/dev/zero"],
                  ["/tmp", b], [a, "/dev/nonexistent"], ["/dev/pmem9", b],
                  ["259:999", b], [a, "0:0"], [a, "/"], [a, b, a],
                  [a, b, "-"], [a, b, b]):
        add("fixed", [head] + words)
    if formatted:
        add("fixed", [head, b, a])          # legs swapped: wrong positions
        add("fixed", [head, a, b, "2", "spare_pages", "64"])
        add("fixed", [head, a, b, "2", "region_size", "256"])
    for extra in (8, 1, 2048, 4096, length, 10 * length):
        add("length", ["0 %d daxmirror" % (length + extra), a, b])
    add("length", ["0 0 daxmirror", a, b])
    add("length", ["8 %d daxmirror" % (length - 8), a, b])

    kinds = ["count", "junk", "range", "unknown", "duplicate", "trailing",
             "samedev", "nodev", "badcount"]
    tries = 0
    while len(out) < n and tries < 50 * n:
        tries += 1
        kind = rng.choice(kinds)
        legs = [a, b]
        if kind == "count":
            opts = good_opts(rng.randrange(1, 4))
            delta = rng.choice([1, 2, 3, 5, 9])
            add(kind, [head] + legs + [str(len(opts) + delta)] + opts)
        elif kind == "junk":
            key = rng.choice(list(OPT_BAD))
            opts = good_opts(rng.randrange(0, 3))
            opts = [w for w in opts]  # copy
            pos = rng.randrange(0, len(opts) + 1)
            bad = [key, rng.choice(JUNK)]
            words = opts[:pos] + bad + opts[pos:]
            if words.count(key) > 1:
                continue
            add(kind, [head] + legs + with_count(words))
        elif kind == "range":
            key = rng.choice(list(OPT_BAD))
            opts = [w for w in good_opts(rng.randrange(0, 3)) if w != key]
            if key in opts:
                continue
            words = opts + [key, rng.choice(OPT_BAD[key])]
            add(kind, [head] + legs + with_count(words))
        elif kind == "unknown":
            opts = good_opts(rng.randrange(0, 3))
            pos = rng.randrange(0, len(opts) + 1)
            if pos % 2 and pos < len(opts) and opts[pos - 1] in OPT_GOOD:
                pos -= 1            # do not split a key from its value
            words = opts[:pos] + [rng.choice(UNKNOWN)] + opts[pos:]
            add(kind, [head] + legs + with_count(words))
        elif kind == "duplicate":
            choice = rng.choice(list(OPT_GOOD) + FLAGS)
            if choice in FLAGS:
                one, two = [choice], [choice]
            else:
                one = [choice, rng.choice(OPT_GOOD[choice])]
                two = [choice, rng.choice(OPT_GOOD[choice])]
            others = good_opts(rng.randrange(0, 2))
            if choice in others:
                continue
            add(kind, [head] + legs + with_count(one + others + two))
        elif kind == "trailing":
            opts = good_opts(rng.randrange(0, 3))
            junk = [rng.choice(UNKNOWN + JUNK + ["no_dax", "128", a])
                    for _ in range(rng.randrange(1, 3))]
            if opts:
                add(kind, [head] + legs + with_count(opts) + junk)
            else:
                # no count at all, then junk: the junk is read as a count
                add(kind, [head] + legs + ["0"] + junk)
        elif kind == "samedev":
            leg = rng.choice([a, b])
            other = a_mm if leg == a and rng.random() < 0.5 else leg
            add(kind, [head, leg, other] + with_count(good_opts(rng.randrange(0, 3))))
        elif kind == "nodev":
            bad = rng.choice(["/dev/nonexistent", "/dev/pmem%d" % rng.randrange(5, 99),
                              "%d:%d" % (rng.choice([7, 259, 254, 1]), rng.randrange(200, 999)),
                              "/dev/null", "/dev/zero", "/proc/self", "relative/path",
                              "/dev/pmem0p9", "999999:1"])
            legs = [bad, b] if rng.random() < 0.5 else [a, bad]
            add(kind, [head] + legs + with_count(good_opts(rng.randrange(0, 3))))
        elif kind == "badcount":
            opts = good_opts(rng.randrange(0, 3))
            add(kind, [head] + legs + [rng.choice(JUNK + ["-1", "11", "12", "100"])] + opts)
    return sorted(out)


def messages(rng, n, length):
    out = set()

    def add(kind, words):
        out.add("%s\t%s" % (kind, " ".join(words)))

    for m in (["bogus"], ["FLUSHX"], ["flsh"], ["checks"], ["repairs"],
              ["rescan!"], ["idl"], ["fails"], ["rebuilds"], ["resync"],
              ["status"], ["0"], ["1"], ["fail"], ["rebuild"],
              ["check", "now"], ["repair", "1"], ["idle", "0"], ["rescan", "0"],
              ["rescan", "all"], ["fail", "0", "1"], ["rebuild", "1", "1"],
              ["flush", "1"], ["flush", "1", "2", "3"], ["flush", "0", "8", "x"],
              ["flush", "0", "0"], ["flush", str(length), "8"],
              ["flush", str(length - 8), "16"], ["flush", "0", str(length + 8)],
              ["flush", str(U64 - 1), "2"], ["flush", str(U64 + 5), "8"],
              ["flush", "8", str(U64 + 8)], ["flush", "-1", "8"],
              ["flush", "8", "-8"]):
        add("fixed", m)
    verbs = ["fail", "rebuild"]
    tries = 0
    while len(out) < n and tries < 50 * n:
        tries += 1
        kind = rng.choice(["unknown", "arity", "leg", "range"])
        if kind == "unknown":
            w = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzFLUSH_-") for _ in range(rng.randrange(1, 10)))
            if w.lower() in ("flush", "rescan", "check", "repair", "idle", "rebuild", "fail"):
                continue
            add(kind, [w] + [rng.choice(["0", "1", "x"]) for _ in range(rng.randrange(0, 3))])
        elif kind == "arity":
            v = rng.choice(["check", "repair", "idle", "rescan", "fail", "rebuild", "flush"])
            if v in ("check", "repair", "idle", "rescan"):
                k = rng.randrange(1, 4)
            elif v in ("fail", "rebuild"):
                k = rng.choice([0, 2, 3])
            else:
                k = rng.choice([1, 3, 4])
            add(kind, [v] + [rng.choice(["0", "1", "8", "x", "all"]) for _ in range(k)])
        elif kind == "leg":
            add(kind, [rng.choice(verbs), rng.choice(
                ["2", "3", "-1", "x", "1x", "0x1", "1.0", "01a", "4294967296",
                 "4294967297", str(U64), str(U64 + 1), "+", "-", "leg0", "٠"])])
        else:
            s = rng.choice([str(length), str(length + rng.randrange(1, 4096)),
                            "x", "-8", "8x", str(U64 + 8), "0x8", "1e3"])
            c = rng.choice(["8", "0", str(length), str(length + 8), "y", "-1",
                            str(U64 + 8), "8.0"])
            if s == "0" and c in ("8",):
                continue
            add(kind, ["flush", s, c])
    return sorted(out)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "tables" and len(sys.argv) == 10:
        _, _, seed, n, length, a, b, a_mm, small, formatted = sys.argv
        rng = random.Random(int(seed))
        lines = tables(rng, int(n), int(length), a, b, a_mm, small, formatted == "1")
    elif len(sys.argv) >= 2 and sys.argv[1] == "messages" and len(sys.argv) == 5:
        _, _, seed, n, length = sys.argv
        rng = random.Random(int(seed))
        lines = messages(rng, int(n), int(length))
    else:
        sys.exit(__doc__)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
