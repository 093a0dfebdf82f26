"""Check that a .po file translates every term of the .pot, placeholders kept.

Plain Python (polib), used by test_i18n and runnable by hand:
``python3 dso_contacts/tests/po_check.py dso_contacts/i18n/dso_contacts.pot fr.po``
"""

import re
import sys
from collections import Counter

import polib

# what a translation must keep exactly: Python placeholders, inline template
# expressions, QWeb outputs and HTML tags
PLACEHOLDER_RES = (
    re.compile(r"%\(\w+\)[sdf]"),
    re.compile(r"%[sdf]"),
    re.compile(r"\{\{.*?\}\}"),
    re.compile(r"\bt-(?:out|esc|if|elif|foreach|as|att-\w+|attf-\w+)=\"[^\"]*\""),
    re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b"),
)


def placeholders(text):
    found = Counter()
    for regex in PLACEHOLDER_RES:
        found.update(regex.findall(text))
    return found


def po_problems(pot_path, po_path):
    """List of human-readable problems of ``po_path`` against ``pot_path``."""
    pot = polib.pofile(pot_path)
    po = polib.pofile(po_path)
    translations = {(entry.msgctxt, entry.msgid): entry for entry in po if not entry.obsolete}
    problems = []
    for term in pot:
        entry = translations.get((term.msgctxt, term.msgid))
        if entry is None or not entry.msgstr.strip():
            problems.append(f"missing translation: {term.msgid[:80]!r}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy translation: {term.msgid[:80]!r}")
        elif placeholders(term.msgid) != placeholders(entry.msgstr):
            problems.append(
                f"placeholders differ: {term.msgid[:80]!r}: "
                f"{dict(placeholders(term.msgid))} != {dict(placeholders(entry.msgstr))}"
            )
    return problems


if __name__ == "__main__":
    issues = po_problems(sys.argv[1], sys.argv[2])
    sys.stdout.write(("\n".join(issues) or "ok") + "\n")
    sys.exit(1 if issues else 0)
