"""Phone number helpers that need no ORM.

Phones are compared and stored for search on their E.164 form
(``+33123456789``), parsed with ``phonenumbers`` in the country of the
contact, else of its customer, else of the company.

The E.164 form of a valid number is the one of core's
``phone_validation.phone_format(number, country, None, force_format='E164')``
(so of ``phone_sanitized`` and ``phone.blacklist``; tests/test_phone_tools.py
checks it). ``to_e164`` stays our own because it parses once where
``phone_format`` parses twice and validates: bench/bench_search.py measures it
about 2.5 times faster, and a search tries one parse per candidate country at
each keystroke. It also keeps a number that is possible but not valid (a new
range, a typo in a prefix), so that it is still found as it was typed.
"""

import re

import phonenumbers

_DIGITS_RE = re.compile(r"\d")
# a search term is treated as a phone number when it is made of digits and the
# usual separators only, with enough digits to be a subscriber number
_PHONE_TERM_RE = re.compile(r"^\s*\+?[\d\s.\-/()]+$")
MIN_PHONE_DIGITS = 6
# the longest number E.164 allows
MAX_PHONE_DIGITS = 15


def to_e164(number, country_code=None):
    """Return ``number`` in E.164 form, or ``None`` when it cannot be parsed.

    :param str number: the number as typed (any common national or
        international format, ``00`` prefix included)
    :param str country_code: ISO 3166 alpha-2 code used for national numbers
    """
    if not number:
        return None
    number = str(number).strip()
    if number.startswith("00"):
        number = "+" + number[2:]
    try:
        parsed = phonenumbers.parse(number, (country_code or "").upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def looks_like_phone(text, min_digits=MIN_PHONE_DIGITS):
    """Whether a text (a search term, a cell) is a phone number rather than a
    name, an email or a code: digits and the usual separators only, with at
    least ``min_digits`` digits and at most 15 (the longest E.164 number)."""
    return bool(
        text
        and _PHONE_TERM_RE.match(text)
        and min_digits <= len(_DIGITS_RE.findall(text)) <= MAX_PHONE_DIGITS
    )


def e164_candidates(term, country_codes):
    """E.164 forms a typed phone number can stand for.

    An international number (``+``/``00``) has one form; a national one has
    one per candidate country.
    """
    candidates = []
    for code in [None, *country_codes]:
        e164 = to_e164(term, code)
        if e164 and e164 not in candidates:
            candidates.append(e164)
    return candidates
