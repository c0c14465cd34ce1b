#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that every load of the module's machine-check-safe copy can recover.

dm-target/pmemcopy.c copies between the legs with its own loop: each load
from the source carries an exception-table entry of a machine-check-safe
type, so that a load consuming poison resumes at the fixup label instead
of panicking the machine.  A load without such an entry would compile,
pass every VM test (the VMs never raise a real machine check) and crash a
real server at the first poisoned page.  This check reads the built module:

  - every instruction of FUNCTION that reads memory other than the stack
    (a "mov" with a memory source) has an __ex_table entry;
  - each entry's type is EX_TYPE_DEFAULT_MCE_SAFE or EX_TYPE_FAULT_MCE_SAFE
    (values read from the kernel's own extable_fixup_types.h);
  - each entry's fixup lies inside FUNCTION;
  - the function has at least one such load (the check found the loop).

usage: check-mcsafe.py MODULE.ko KERNEL-BUILD-DIR [FUNCTION]
Exit 0 when all hold, 1 with one line per problem otherwise.
"""
import glob
import os
import re
import struct
import subprocess
import sys


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True,
                          text=True).stdout


def mce_safe_types(build):
    """The MCE-safe extable types from the kernel headers of BUILD."""
    dirs = [build]
    mk = os.path.join(build, "Makefile")
    if os.path.exists(mk):  # Debian: the arch headers are in -common
        for line in open(mk):
            m = re.match(r"include\s+(\S+)/Makefile\s*$", line)
            if m:
                dirs.append(m.group(1))
                # a kernel in another root (scripts/build-root-newest):
                # -common is the sibling of the resolved build folder
                dirs.append(os.path.join(
                    os.path.dirname(os.path.realpath(build)),
                    os.path.basename(m.group(1))))
    for d in dirs:
        for h in glob.glob(os.path.join(
                d, "arch/x86/include/asm/extable_fixup_types.h")):
            types = {}
            for line in open(h):
                m = re.match(r"#define\s+(EX_TYPE_\w+_MCE_SAFE)\s+(\d+)",
                             line)
                if m:
                    types[m.group(1)] = int(m.group(2))
            if types:
                return types
    sys.exit("check-mcsafe: no extable_fixup_types.h under " + build)


def function_range(ko, func):
    """(section, start, end) of FUNC from the symbol table."""
    out = run("readelf", "-sW", ko)
    secs = {}
    for line in run("readelf", "-SW", ko).splitlines():
        m = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)", line)
        if m:
            secs[m.group(1)] = m.group(2)
    for line in out.splitlines():
        f = line.split()
        if len(f) == 8 and f[3] == "FUNC" and f[7] == func:
            start = int(f[1], 16)
            return secs.get(f[6]), start, start + int(f[2], 0)
    return None, 0, 0


def loads(ko, section, start, end):
    """Offsets of the instructions in [start, end) that load from memory."""
    out = run("objdump", "-d", "--no-show-raw-insn", "-j", section,
              "--start-address=%#x" % start, "--stop-address=%#x" % end, ko)
    found = []
    for line in out.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(\S+)\s+(.*)$", line)
        if not m:
            continue
        op, args = m.group(2), m.group(3)
        src = args.split(",")[0] if "," in args else ""
        # AT&T syntax: "mov 0x8(%rbp),%r9" reads memory; stack traffic
        # (push/pop, %rsp-based) cannot hold poison of the legs.
        if op.startswith("mov") and "(" in src and "%rsp" not in src:
            found.append(int(m.group(1), 16))
    return found


def extable(ko, section):
    """(insn, fixup, type) of each __ex_table entry that points into
    SECTION, from the relocations (the entry holds PC-relative words)."""
    insn, fixup = {}, {}
    cur = None
    for line in run("readelf", "-rW", ko).splitlines():
        if line.startswith("Relocation section"):
            cur = "'.rela__ex_table'" in line
            continue
        f = line.split()
        if not cur or len(f) < 7 or not re.match(r"^[0-9a-f]+$", f[0]):
            continue
        if f[4] != section:
            continue
        off, addend = int(f[0], 16), int(f[6], 16)
        if f[5] == "-":
            addend = -addend
        (insn if off % 12 == 0 else fixup)[off - off % 12] = addend
    data = subprocess.run(["objcopy", "-O", "binary", "--only-section",
                           "__ex_table", ko, "/dev/stdout"],
                          check=True, capture_output=True).stdout
    entries = []
    for off, at in insn.items():
        (word,) = struct.unpack_from("<i", data, off + 8)
        entries.append((at, fixup.get(off), word & 0xff))
    return entries


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.strip().split("\n\n")[-2])
    ko, build = sys.argv[1], sys.argv[2]
    func = sys.argv[3] if len(sys.argv) == 4 else "dxm_copy_lines_nt"
    safe = mce_safe_types(build)
    section, start, end = function_range(ko, func)
    problems = []
    if not section:
        problems.append("%s: no function %s" % (ko, func))
    else:
        want = loads(ko, section, start, end)
        have = {at: (fx, ty) for at, fx, ty in extable(ko, section)}
        if not want:
            problems.append("%s: found no load in %s" % (func, ko))
        for at in want:
            if at not in have:
                problems.append("%s+%#x: load without exception-table "
                                "entry" % (func, at - start))
                continue
            fx, ty = have[at]
            if ty not in safe.values():
                problems.append("%s+%#x: entry type %d is not "
                                "machine-check safe (%s)" %
                                (func, at - start, ty, safe))
            if fx is None or not start <= fx < end:
                problems.append("%s+%#x: fixup outside the function" %
                                (func, at - start))
        if not problems:
            print("check-mcsafe: %s: %d loads, each with a machine-check-"
                  "safe entry (types %s)" % (func, len(want), safe))
    for p in problems:
        print("check-mcsafe: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
