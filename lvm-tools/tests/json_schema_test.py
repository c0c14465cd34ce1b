#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Checks the tool's JSON against docs/daxmirror.schema.json: each
document validates against its definition, "version" is its first key,
and the keys of every object in it come in the order of the schema's
"properties" for that object.

  json_schema_test.py SCHEMA samples JSON_SAMPLES DAXMIRROR
      the documents json_samples makes from fixed reports, and what
      "daxmirror examine --json" prints for its leg images (one, several)
      and "daxmirror list --json" on this host; first, that the checker
      refuses broken documents (a key dropped, one added, two swapped).
  json_schema_test.py SCHEMA check DEF FILE...
      each FILE holds one document, or one per line (monitor), that must
      be a DEF: status, list, examine, detail or event (for the VM tests).
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    sys.exit("json_schema_test: python3-jsonschema is missing "
             "(scripts/install-deps installs it)")

DEFS = {"status": "status_output", "list": "list_output",
        "examine": "examine_output", "detail": "detail_document",
        "event": "event_document"}


class Checker:
    def __init__(self, path):
        with open(path) as f:
            self.schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(self.schema)
        self.validators = {}

    def validator(self, pointer):
        """A validator for the schema node at #<pointer>."""
        if pointer not in self.validators:
            self.validators[pointer] = jsonschema.Draft202012Validator(
                {"$defs": self.schema["$defs"], "$ref": "#" + pointer})
        return self.validators[pointer]

    def node(self, pointer):
        n = self.schema
        for part in pointer.strip("/").split("/"):
            n = n[int(part)] if isinstance(n, list) else n[part]
        return n

    def resolve(self, node, pointer):
        while isinstance(node, dict) and "$ref" in node:
            pointer = node["$ref"][1:]
            node = self.node(pointer)
        return node, pointer

    def order_errors(self, value, node, pointer, where):
        """Objects in value whose keys are out of the schema's order."""
        node, pointer = self.resolve(node, pointer)
        errs = []
        for kw in ("oneOf", "anyOf"):
            for i, _ in enumerate(node.get(kw, [])):
                p = "%s/%s/%d" % (pointer, kw, i)
                if self.validator(p).is_valid(value):
                    return self.order_errors(value, self.node(p), p, where)
        if isinstance(value, dict) and "properties" in node:
            props = list(node["properties"])
            want = [k for k in props if k in value]
            if list(value) != want:
                errs.append("%s: keys %s, schema order %s"
                            % (where or "/", list(value), want))
            for k, v in value.items():
                if k in node["properties"]:
                    errs += self.order_errors(
                        v, node["properties"][k],
                        "%s/properties/%s" % (pointer, k), where + "/" + k)
        elif isinstance(value, list) and "items" in node:
            for i, v in enumerate(value):
                errs += self.order_errors(v, node["items"],
                                          pointer + "/items",
                                          "%s/%d" % (where, i))
        return errs

    def errors(self, doc, definition):
        """Why doc is not a valid definition (a $defs name), or []."""
        pointer = "/$defs/" + definition
        errs = ["%s: %.200s" % ("/".join(map(str, e.absolute_path)) or "/",
                              e.message)
                for e in self.validator(pointer).iter_errors(doc)]
        if errs:
            return errs
        for d in doc if isinstance(doc, list) else [doc]:
            if list(d)[:1] != ["version"]:
                errs.append("version is not the first key: %s" % list(d))
        return errs + self.order_errors(doc, self.node(pointer), pointer, "")


failed = 0


def expect(ok, what, detail=""):
    global failed
    print("%s %s%s" % ("ok  " if ok else "FAIL", what,
                       "" if ok else ": " + detail))
    failed += not ok


def check_doc(chk, doc, definition, what):
    errs = chk.errors(doc, definition)
    expect(not errs, what, "; ".join(errs[:5]))


def self_test(chk, doc, definition):
    """The checker must refuse a document with a key dropped, added or
    moved: else the other checks could never fail."""
    broken = []
    d = copy.deepcopy(doc)
    del d[list(d)[-1]]
    broken.append(("the last key dropped", d))
    d = copy.deepcopy(doc)
    d["unknown_key"] = 0
    broken.append(("an unknown key", d))
    keys = list(doc)
    d = {k: doc[k] for k in [keys[0], keys[2], keys[1]] + keys[3:]}
    broken.append(("keys 1 and 2 swapped", d))
    d = {k: doc[k] for k in keys[1:] + keys[:1]}
    broken.append(("version last", d))
    for what, d in broken:
        expect(chk.errors(d, definition) != [],
               "a %s with %s is refused" % (definition, what))


def run(cmd, want_rc):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=60)
    expect(p.returncode in want_rc, " ".join(os.path.basename(c)
                                             for c in cmd[1:]),
           "exit %d, stderr %s" % (p.returncode, p.stderr.strip()))
    return p


def samples(chk, sampler, tool):
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([sampler, tmp], stdout=subprocess.PIPE,
                             check=True, text=True).stdout
        seen = {}
        for n, line in enumerate(out.splitlines()):
            definition, text = line.split("\t", 1)
            doc = json.loads(text)
            seen.setdefault(definition, doc)
            check_doc(chk, doc, definition,
                      "sample %d is a %s" % (n, definition))
        for definition in ("status_document", "examine_document",
                           "list_entry", "detail_document",
                           "event_document"):
            expect(definition in seen, "samples include a " + definition)
            if definition in seen:
                self_test(chk, seen[definition], definition)

        # what the tool prints, from leg images
        images = {"blank.img": 1, "foreign.img": 1, "corrupt.img": 2,
                  "valid.img": 0, "remapped.img": 0, "unfit.img": 2}
        for img, rc in images.items():
            p = run([tool, "examine", "--json", os.path.join(tmp, img)],
                    [rc])
            check_doc(chk, json.loads(p.stdout), "examine_document",
                      "daxmirror examine --json " + img)
        p = run([tool, "examine", "--json"] +
                [os.path.join(tmp, i) for i in images], [2])
        doc = json.loads(p.stdout)
        expect(isinstance(doc, list) and len(doc) == len(images),
               "examine of %d legs prints an array of them" % len(images))
        check_doc(chk, doc, "examine_output",
                  "daxmirror examine --json of every image")
        p = run([tool, "list", "--json"], [0, 4])
        if p.returncode == 0:
            check_doc(chk, json.loads(p.stdout), "list_output",
                      "daxmirror list --json on this host")


def check_files(chk, kind, files):
    definition = DEFS[kind]
    for path in files:
        with open(path) as f:
            text = f.read()
        try:
            docs = [json.loads(text)]
        except json.JSONDecodeError:
            docs = [json.loads(l) for l in text.splitlines() if l.strip()]
        for i, doc in enumerate(docs):
            check_doc(chk, doc, definition, "%s:%d is a %s" % (path, i + 1, kind))


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    chk = Checker(sys.argv[1])
    if sys.argv[2] == "samples" and len(sys.argv) == 5:
        samples(chk, sys.argv[3], sys.argv[4])
    elif sys.argv[2] == "check" and sys.argv[3] in DEFS:
        check_files(chk, sys.argv[3], sys.argv[4:])
    else:
        sys.exit(__doc__)
    print("%d failed" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
