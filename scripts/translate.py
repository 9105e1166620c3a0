#!/usr/bin/env python3
"""Fill msgstrs of a catalogue from a Python dict file (msgid -> msgstr); reports what is left.
Every msgid found in the dict is overwritten: apply a dict only to its own catalogue.

    translate.py <catalogue.po> <translations.py>
"""

import runpy
import sys

import polib


def main(po_path: str, table_path: str) -> int:
    table = runpy.run_path(table_path)["T"]
    po = polib.pofile(po_path)
    left = []
    for entry in po:
        if entry.msgid in table:
            if entry.msgid_plural:  # Chinese has one plural form
                entry.msgstr_plural = {0: table[entry.msgid]}
            else:
                entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif not (entry.msgstr or any(entry.msgstr_plural.values())):
            left.append(entry.msgid)
    po.save()
    for msgid in left:
        print(f"untranslated: {msgid!r}")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
