# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The SQL of the quick search and of the customer list's contact search,
as pure functions of ``odoo.tools.SQL`` pieces (``res.partner`` gives them
its columns, its record rules and its ``unaccent``).

SQL rather than a domain because a domain cannot say "equal to one of the
numbers of the column", and so that each condition is written in the
expression of its index (``lower``, and ``unaccent`` where the ORM applies
it); the conditions are run apart (UNION), since PostgreSQL gives up the
indexes of an ``OR`` of several kinds of conditions."""

from odoo.tools import SQL, escape_psql

# the systray searches from the second character typed (a two-letter name,
# a Chinese or Japanese name); below CONTAINS_MIN_LENGTH, only whole and
# starting matches are looked for (btree indexes): trigrams need three
# characters, a shorter "contains" would read the whole table
QUICK_SEARCH_MIN_LENGTH = 2
CONTAINS_MIN_LENGTH = 3
# partial matches of a quick search are ranked among this many found first
# (fewer for a term under CONTAINS_MIN_LENGTH, that starts many names)
PARTIAL_SCAN = 500
SHORT_TERM_SCAN = 100
# the tiers of a search, best first
TIERS = ("exact", "prefix", "contains")


def list_search_tier(operator, term):
    """The tier a search of the customer list with ``operator`` reads:
    whole matches for ``=``; else, as in the quick search, what contains
    ``term``, or under three characters what starts with it."""
    if operator in ("=", "=ilike"):
        return "exact"
    return "contains" if len(term) >= CONTAINS_MIN_LENGTH else "prefix"


def partial_scan(term):
    """How many rows of each index the partial tiers are ranked among."""
    return PARTIAL_SCAN if len(term) >= CONTAINS_MIN_LENGTH else SHORT_TERM_SCAN


def contains_condition(column, term, unaccent):
    """``column ILIKE '%term%'``, served by the column's trigram index."""
    condition = SQL("%s ILIKE %s", column, unaccent(SQL("%s", f"%{escape_psql(term)}%")))
    local_part = term.split("@")[0]
    if len(local_part) < CONTAINS_MIN_LENGTH or local_part == term:
        return condition
    # For an email, the index is read for the part before the @ only: the
    # trigrams of a domain are in a large part of the table and reading
    # them costs more than all the rest. The whole term is then checked on
    # the few rows found, in an expression the index does not serve
    # (``|| ''``), so that PostgreSQL does not read its trigrams too.
    return SQL(
        "%s ILIKE %s AND (%s || '') ILIKE %s",
        column,
        unaccent(SQL("%s", f"%{escape_psql(local_part)}%")),
        column,
        unaccent(SQL("%s", f"%{escape_psql(term)}%")),
    )


def match_conditions(term, tier, columns, phones=None, numbers=(), unaccent=None):
    """SQL conditions that match ``term`` in ``tier``, each served by one
    index of ``res.partner._dso_init_search_indexes()``:

    - ``exact``: the phone or mobile is one of ``numbers`` (the E.164 forms
      of ``term``: equality on the array of ``phones``), or the whole email,
      or the whole name, is ``term``;
    - ``prefix``: the name or the email starts with ``term``;
    - ``contains``: the phone or mobile is one of ``numbers``, or the name or
      the email contains ``term`` (trigrams).

    :param dict columns: {"name": SQL, "email": SQL}, the partner's columns
    :param phones: SQL of the column of the E.164 numbers, space-separated
    :param unaccent: the registry's ``unaccent`` (SQL -> SQL)
    """
    unaccent = unaccent or (lambda sql: sql)
    conditions = []
    if tier != "prefix" and numbers:
        conditions.append(SQL("string_to_array(%s, ' ') && %s::text[]", phones, list(numbers)))
    # a term with an @ is an email: it is looked for in emails only
    for fname in ("email",) if "@" in term else ("name", "email"):
        column = unaccent(columns[fname])
        if tier == "contains":
            conditions.append(contains_condition(column, term, unaccent))
            continue
        value = escape_psql(term) + "%" if tier == "prefix" else term
        conditions.append(
            SQL(
                "lower(%s) %s lower(%s)",
                column,
                SQL("LIKE") if tier == "prefix" else SQL("="),
                unaccent(SQL("%s", value)),
            )
        )
    return conditions


def people_selects(select, from_clause, where, conditions, limit=None):
    """One ``(SELECT select FROM from_clause WHERE where AND condition)`` per
    condition, to be joined with UNION."""
    return [
        SQL(
            "(SELECT %s FROM %s WHERE %s AND %s%s)",
            select,
            from_clause,
            where,
            condition,
            SQL(" LIMIT %s", limit) if limit else SQL(),
        )
        for condition in conditions
    ]


def rank_rows(rows):
    """``(id, is_collection_contact)`` rows, best first: the contacts for
    collection first, then the oldest."""
    return sorted(rows, key=lambda row: (not row[1], row[0]))
