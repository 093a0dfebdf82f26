"""Check that a .po file translates every term of the .pot, placeholders kept;
and that the committed .pot holds the terms of the code.

Plain Python (polib), used by test_i18n and runnable by hand:
``python3 dso_contacts/tests/po_check.py dso_contacts/i18n/dso_contacts.pot fr.po``
"""

import io
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


def pot_terms(pot):
    """The terms of a template (path or text): ``{(msgctxt, msgid)}``."""
    return {(entry.msgctxt, entry.msgid) for entry in polib.pofile(pot) if not entry.obsolete}


def export_pot(cr, module):
    """The template of ``module`` as ``make pot`` writes it (``odoo-bin
    --i18n-export`` without a language calls the same exporter), from the
    database of ``cr`` where the module is installed."""
    from odoo.tools.translate import trans_export

    buffer = io.BytesIO()
    trans_export(False, [module], buffer, "po", cr)
    return buffer.getvalue().decode()


def pot_differences(cr, module, pot_path):
    """What the committed template ``pot_path`` lacks or has too much against
    the terms of ``module``'s code and data; empty when they agree."""
    committed = pot_terms(pot_path)
    current = pot_terms(export_pot(cr, module))

    def term(key):
        msgctxt, msgid = key
        return repr(msgid[:100]) + (f" (context {msgctxt!r})" if msgctxt else "")

    def ordered(keys):
        return sorted(keys, key=lambda key: (key[1], key[0] or ""))

    problems = [
        f"missing from {module}.pot: {term(key)}" for key in ordered(current - committed)
    ]
    problems += [f"no longer in the code: {term(key)}" for key in ordered(committed - current)]
    if problems:
        problems.append(f"run make pot, then translate the new terms ({len(problems)} above)")
    return problems


if __name__ == "__main__":
    issues = po_problems(sys.argv[1], sys.argv[2])
    sys.stdout.write(("\n".join(issues) or "ok") + "\n")
    sys.exit(1 if issues else 0)
