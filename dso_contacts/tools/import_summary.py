"""What an import did, or what its test says it will do, in a few lines,
without the ORM: the first reasons of rejected rows, and the customers whose
contact for collection (or Company-role contact) the file changed.

A summary is a dictionary that JSON keeps (the wizard and the background job
store it), merged batch after batch::

    {
        "rejections": [[line, reason], ...],  # the first ones, file order
        "collection": [change, ...],  # contacts for collection changed
        "collection_count": 1,
        "company_role": [change, ...],  # Company-role contacts replaced
        "company_role_count": 0,
        "notice": "...",  # why nothing (or not all) was written, or False
    }

where a change is ``{"id", "name", "ref"}`` of the customer with its
``"before"`` and ``"after"`` contact, each ``[contact id, name]`` or ``None``.
"""

import copy

MAX_LISTED_REJECTIONS = 10
# the changes kept (and merged) by customer; the screens show the first ones
MAX_LISTED_CHANGES = 200
CHANGE_KINDS = ("collection", "company_role")


def empty_summary():
    return {
        "rejections": [],
        "collection": [],
        "collection_count": 0,
        "company_role": [],
        "company_role_count": 0,
        "notice": False,
    }


def note_change(summary, kind, customer, before, after, unlisted=None):
    """Note in ``summary`` that the contact of ``kind`` of ``customer``
    (``{"id", "name", "ref"}``) went from ``before`` to ``after``.

    A customer changed twice keeps its first ``before`` (a contact for
    collection replaced on two rows of a file: the one it had, the one it
    gets); a change back to where it was is no change. ``unlisted``
    (``{customer id: before}``) remembers the changes beyond the list, so that
    they are counted once too."""
    entries = summary[kind]
    for index, entry in enumerate(entries):
        if entry["id"] == customer["id"]:
            if _same(entry["before"], after):
                del entries[index]
                summary[f"{kind}_count"] -= 1
            else:
                entry.update(name=customer["name"], ref=customer["ref"], after=after)
            return
    if unlisted is not None and customer["id"] in unlisted:
        if _same(unlisted[customer["id"]], after):
            del unlisted[customer["id"]]
            summary[f"{kind}_count"] -= 1
        return
    if _same(before, after):
        return
    summary[f"{kind}_count"] += 1
    if len(entries) < MAX_LISTED_CHANGES:
        entries.append(
            {
                "id": customer["id"],
                "name": customer["name"],
                "ref": customer["ref"],
                "before": before and list(before),
                "after": after and list(after),
            }
        )
    elif unlisted is not None:
        unlisted[customer["id"]] = before


def _same(first, second):
    return (list(first) if first else None) == (list(second) if second else None)


def merge_summary(base, new):
    """``base`` followed by ``new`` (the next batches of the same import)."""
    merged = copy.deepcopy(base) if base else empty_summary()
    if not new:
        return merged
    # in the file's order (the chunks of a queued import end in any order):
    # each part lists its first rejections, so these are the file's first
    merged["rejections"] = sorted(merged["rejections"] + new["rejections"])[
        :MAX_LISTED_REJECTIONS
    ]
    for kind in CHANGE_KINDS:
        for entry in new[kind]:
            note_change(merged, kind, entry, entry["before"], entry["after"])
        # the changes of ``new`` beyond its list are counted, not listed
        merged[f"{kind}_count"] += new[f"{kind}_count"] - len(new[kind])
    merged["notice"] = new.get("notice") or merged.get("notice") or False
    return merged


def without_changes(summary):
    """``summary`` of writes rolled back: its rejections, no change."""
    summary = copy.deepcopy(summary) if summary else empty_summary()
    for kind in CHANGE_KINDS:
        summary[kind] = []
        summary[f"{kind}_count"] = 0
    return summary


class ChangeNotes:
    """The changes an import notes while it writes a batch: kept in its
    summary when the batch is kept (or tested), forgotten when it is rolled
    back."""

    def __init__(self, summary):
        self.summary = summary
        self._pending = []
        self._unlisted = {kind: {} for kind in CHANGE_KINDS}

    def note(self, kind, customer, before, after):
        self._pending.append((kind, customer, before, after))

    def keep(self):
        for kind, customer, before, after in self._pending:
            note_change(self.summary, kind, customer, before, after, self._unlisted[kind])
        self._pending = []

    def drop(self):
        self._pending = []

    def clear(self):
        """Every write of the run was rolled back."""
        self.drop()
        self.summary.update(without_changes(self.summary))
        self._unlisted = {kind: {} for kind in CHANGE_KINDS}
