# ruff: noqa: RUF001 - Turkish words are spelt with the dotless i
"""Guess which field a column goes to from its header, without the ORM.

Headers are compared once normalised: case, accents, punctuation and spacing
do not matter (``"N° client"``, ``"n client"`` and ``"NClient"`` are the
same). The words below are the usual headers of our users' files in English,
French, German, Dutch, Spanish, Italian, Portuguese (Portugal and Brazil),
Polish, Romanian, Swedish, Turkish, Croatian, Chinese (Simplified) and
Japanese; the field labels of the user's language are added by the caller.
"""

import hashlib
import re
import unicodedata

from odoo.tools.mail import single_email_re

from .header_words import (
    COLLECTION_HINTS,
    COLLECTION_OTHER_WORDS,
    COLLECTION_WORDS,
    COMPANY_HEADERS,
    DISPLAY_NAME_WORDS,
    FALSE_WORDS,
    HEADERS_BY_TYPE,
    MOBILE_LABELS,
    NAME_PARTS,
    ROLE_WORDS,
    SALUTATION_HEADERS,
    SALUTATION_VALUES,
    TITLE_HEADERS,
    TRUE_WORDS,
)
from .phone import looks_like_phone as phone_like

# Letters that NFKD does not decompose into a base letter and an accent; the
# ordinal signs of "Nº cliente" / "Nª" go as the degree sign of "N° client"
# does (NFKD would make them an "o" and an "a")
_FOLD = str.maketrans(
    {
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ß": "ss",
        "ı": "i",
        "æ": "ae",
        "œ": "oe",
        "þ": "th",
        "º": "",
        "ª": "",
    }
)


def normalize(text):
    """Header or value folded for comparison: no case, accents, punctuation
    or spacing. CJK characters are kept as they are."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", str(text).casefold().translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return "".join(ch for ch in text.translate(_FOLD) if ch.isalnum())


def _index(words_by_key):
    index = {}
    for key, words in words_by_key.items():
        for word in words:
            index.setdefault(normalize(word), key)
    return index


_HEADER_INDEX = {kind: _index(headers) for kind, headers in HEADERS_BY_TYPE.items()}
ROLE_INDEX = _index(ROLE_WORDS)


def guess_fields(headers, import_type, extra_words=None):
    """Propose a target field for each header (``None`` when unknown).

    :param list headers: the file's header cells
    :param str import_type: ``contacts`` or ``customers``
    :param dict extra_words: more ``{field: [words]}`` (the field labels in
        the user's language), tried first
    :return: a list as long as ``headers``; each field is proposed once, for
        its first matching column
    """
    index = dict(_HEADER_INDEX[import_type])
    if extra_words:
        index.update(_index(extra_words))
    proposed, used = [], set()
    for header in headers:
        field = index.get(normalize(header))
        if field in used:
            field = None
        if field:
            used.add(field)
        proposed.append(field)
    return proposed


def is_true(value):
    """Whether a cell says yes: 1, x, yes, oui, ja, si, true... any case."""
    return bool(value) and str(value).strip().casefold() in TRUE_WORDS


def header_signature(headers, file_kind, import_type):
    """A stable key of a file's layout, to find the mapping saved for it."""
    text = "\x1f".join([import_type, file_kind, *(normalize(h) for h in headers)])
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


# -- guessing from the whole file -----------------------------------------------

# why a column was proposed for a field, or left out
REASON_LABEL = "label"  # the field's label in the user's language
REASON_SYNONYM = "synonym"  # a known column name
REASON_PAIR = "pair"  # a labelled value column ("Phone 1 - Value" + "Label")
REASON_VALUES = "values"  # its values
REASON_NAME_PART = "name_part"  # "Nom" beside "Prénom": the last name
REASON_SALUTATION = "salutation"
REASON_COMPANY = "company"
REASON_DISPLAY_NAME = "display_name"
REASON_EMPTY = "empty"

_PAIR_RE = re.compile(r"^(email|phone)(\d+)(value|label|type)$")
# a column of numbers shorter than this is a column of codes, not of phones
COLUMN_PHONE_DIGITS = 8
_SALUTATIONS = {normalize(word) for word in SALUTATION_HEADERS}
_TITLES = {normalize(word) for word in TITLE_HEADERS}
_COMPANIES = {normalize(word) for word in COMPANY_HEADERS}
_DISPLAY = [normalize(word) for word in DISPLAY_NAME_WORDS]
_HINTS = [normalize(word) for word in COLLECTION_HINTS]
_COLLECTION_WORDS = [normalize(word) for word in COLLECTION_WORDS]
_COLLECTION_OTHER = [normalize(word) for word in COLLECTION_OTHER_WORDS]
_NAME_PARTS = {normalize(w): part for part, words in NAME_PARTS.items() for w in words}


def _all(values, test):
    return bool(values) and all(test(value) for value in values)


def looks_like_email(value):
    return bool(single_email_re.match(value.strip()))


def looks_like_phone(value):
    return phone_like(value, min_digits=COLUMN_PHONE_DIGITS)


def _is_flag(value):
    return value.strip().casefold() in TRUE_WORDS | FALSE_WORDS


def _is_salutation(value):
    return normalize(value) in {normalize(word) for word in SALUTATION_VALUES}


def guess_columns(headers, import_type, extra_words=None, samples=None):
    """Propose a target field for each column, with the reason.

    :param list headers: the file's header cells
    :param str import_type: ``contacts`` or ``customers``
    :param dict extra_words: more ``{field: [words]}`` (the field labels in
        the user's language), tried first
    :param list samples: for each column, the non-empty values read (a few
        dozens are enough); ``[]`` for a column empty in the whole file
    :return: a list as long as ``headers`` of ``(field or None, reason or None)``
    """
    samples = samples if samples is not None else [None] * len(headers)
    keys = [normalize(header) for header in headers]
    labels = _index(extra_words or {})
    result = [(None, None)] * len(headers)
    used = set()

    def propose(index, field, reason):
        if field and field not in used and result[index][0] is None:
            used.add(field)
            result[index] = (field, reason)
            return True
        return False

    has_salutation = any(key in _SALUTATIONS for key in keys)
    pairs = {}
    for index, key in enumerate(keys):
        match = _PAIR_RE.match(key)
        if match:
            kind, number, part = match.groups()
            pairs.setdefault((kind, int(number)), {})[
                "value" if part == "value" else "label"
            ] = index
            continue
        field, reason = _by_name(key, samples[index], import_type, has_salutation)
        if field is None and reason:
            result[index] = (None, reason)
        elif key in labels:
            propose(index, labels[key], REASON_LABEL)
        elif field:
            propose(index, field, reason)
    _propose_pairs(pairs, samples, propose, import_type)
    if import_type == "contacts":
        _propose_name_parts(keys, result, propose)
    for index, values in enumerate(samples):
        if result[index] == (None, None):
            if values == []:
                result[index] = (None, REASON_EMPTY)
            else:
                _by_values(index, keys[index], values, import_type, propose)
    return result


def _by_name(key, values, import_type, has_salutation):
    """``(field, reason)`` from a normalised header; ``(None, reason)`` for a
    column that is never imported, ``(None, None)`` when unknown."""
    if key in _SALUTATIONS:
        return None, REASON_SALUTATION
    if key in _TITLES:
        if has_salutation or (values and not _all(values, _is_salutation)):
            return ("function", REASON_SYNONYM) if import_type == "contacts" else (None, None)
        return None, REASON_SALUTATION
    if key in _COMPANIES and import_type == "contacts":
        return None, REASON_COMPANY
    if any(word in key for word in _DISPLAY):
        return None, REASON_DISPLAY_NAME
    field = _HEADER_INDEX[import_type].get(key)
    if not field and import_type == "contacts" and is_collection_header(key):
        field = "is_collection_contact"
    return field, REASON_SYNONYM if field else None


def is_collection_header(key):
    """Whether a normalised header is the contact for collection flag written
    as a phrase: it says collection or dunning, and names nothing else (an
    email, a phone, a date, an amount, a level)."""
    return any(word in key for word in _COLLECTION_WORDS) and not any(
        word in key for word in _COLLECTION_OTHER
    )


def _by_values(index, key, values, import_type, propose):
    """Propose a column not known by its header from its values, where they
    leave no doubt: emails, phone numbers, yes/no flags."""
    if not values:
        return
    if _all(values, looks_like_email):
        propose(index, "email", REASON_VALUES)
    elif _all(values, looks_like_phone):
        if not propose(index, "phone", REASON_VALUES) and import_type == "contacts":
            propose(index, "mobile", REASON_VALUES)
    elif (
        import_type == "contacts"
        and _all(values, _is_flag)
        and any(is_true(value) for value in values)
        and any(hint in key for hint in _HINTS)
    ):
        propose(index, "is_collection_contact", REASON_VALUES)


def _propose_pairs(pairs, samples, propose, import_type):
    """Labelled value columns: emails to the email, phones to the mobile or
    the phone by their label (Mobile, Work...), in the file's order."""
    for (kind, _number), columns in sorted(pairs.items()):
        index = columns.get("value")
        if index is None or samples[index] == []:
            continue
        if kind == "email":
            propose(index, "email", REASON_PAIR)
            continue
        label_values = samples[columns["label"]] if "label" in columns else None
        words = {normalize(value) for value in label_values or []}
        if words & {normalize(word) for word in MOBILE_LABELS}:
            if import_type == "contacts" and propose(index, "mobile", REASON_PAIR):
                continue
        propose(index, "phone", REASON_PAIR)


def _propose_name_parts(keys, result, propose):
    """A "Name"-like column beside a first name (or last name) column is the
    other part of the name, not the whole name."""
    fields = {field for field, _reason in result}
    for index, key in enumerate(keys):
        part = _NAME_PARTS.get(key)
        if not part or result[index][0] not in (None, "name", "firstname", "lastname"):
            continue
        other = "firstname" if part == "lastname" else "lastname"
        if other in fields and part not in fields:
            current = result[index][0]
            if current:
                fields.discard(current)
            result[index] = (None, None)
            # the guesser's "used" set still holds the former field: fine,
            # a name-part column gives up the whole name
            propose(index, part, REASON_NAME_PART)
            fields.add(part)


def labelled_phones(headers):
    """``{value column: label column}`` of the labelled phone columns
    (Google's "Phone 1 - Value" and "Phone 1 - Label")."""
    columns = {}
    for index, header in enumerate(headers):
        match = _PAIR_RE.match(normalize(header))
        if match and match.group(1) == "phone":
            part = "value" if match.group(3) == "value" else "label"
            columns.setdefault(int(match.group(2)), {})[part] = index
    return {pair["value"]: pair["label"] for pair in columns.values() if len(pair) == 2}


def is_mobile_label(label):
    """Whether a phone's label says it is a mobile ("Mobile", "* Mobile"...)."""
    return normalize(label) in _MOBILE_LABELS


_MOBILE_LABELS = {normalize(word) for word in MOBILE_LABELS}
