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

from odoo.exceptions import UserError

from odoo.addons.phone_validation.tools.phone_validation import phone_parse

_DIGITS_RE = re.compile(r"\d")
# a search term is treated as a phone number when it is made of digits and the
# usual separators only, with enough digits to be a subscriber number
_PHONE_TERM_RE = re.compile(r"^\s*\+?[\d\s.\-/()]+$")
MIN_PHONE_DIGITS = 6
# the longest number E.164 allows
MAX_PHONE_DIGITS = 15

# what check_phone() says of a number that no SMS can reach
PHONE_INVALID = "invalid"
PHONE_NOT_MOBILE = "not_mobile"
# the types of number an SMS reaches (some countries, the United States among
# them, do not tell mobile and fixed numbers apart)
SMS_NUMBER_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
}


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


def check_phone(number, country_code=None):
    """``(e164, problem)``: the one rule of the addon for a phone number, at
    import, in the form and at sending.

    ``number`` is valid when core's ``phone_validation`` (the parse of
    ``phone_format`` and of ``phone_sanitized``) accepts it in
    ``country_code``; it can receive an SMS when phonenumbers also says it is a
    mobile number. ``e164`` is its E.164 form, also for a number that is only
    possible (a typo in a prefix, a reserved range: kept so that it is found as
    it was typed), ``None`` when it cannot be read at all. ``problem`` is
    ``None`` when an SMS can reach it, else :data:`PHONE_INVALID` or
    :data:`PHONE_NOT_MOBILE`.
    """
    if not number:
        return None, None
    try:
        parsed = phone_parse(str(number).strip(), (country_code or "").upper() or None)
    except UserError:
        return to_e164(number, country_code), PHONE_INVALID
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.number_type(parsed) not in SMS_NUMBER_TYPES:
        return e164, PHONE_NOT_MOBILE
    return e164, None
