"""Phone numbers as spreadsheets leave them, without the ORM.

A spreadsheet takes ``+49 170 1234567`` typed in a cell for the number
491701234567, and ``06 12 34 56 78`` for 612345678: the ``+`` and the leading
zero are lost. Such a cell (digits only) is read as the international number
its digits form when they start with a calling code and make a valid number,
and otherwise as a national number of the customer's country, with its
leading zero restored when it needs one. Other cells are read as written
(:func:`..phone.to_e164`).
"""

import phonenumbers

from .phone import to_e164


def _valid(text, region=None):
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_valid_number(parsed) else None


def _is_mobile(parsed):
    return phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE


def repair_phone(number, country_code=None):
    """``number`` in E.164 form, or ``None`` when it cannot be read.

    :param str number: the cell's text
    :param str country_code: ISO 3166 alpha-2 code of the customer's country
    """
    text = str(number or "").strip()
    if not text.isdigit() or text.startswith("0"):
        return to_e164(text, country_code)
    region = (country_code or "").upper() or None
    international = _valid("+" + text)
    national = region and (_valid(text, region) or _valid("0" + text, region))
    chosen = international or national
    if international and national and international != national:
        # both read: a mobile number rather than a landline (33612345678 is
        # a French mobile, not a German landline of area 0336), else the
        # customer's country unless the digits start with its calling code
        if _is_mobile(international) != _is_mobile(national):
            chosen = international if _is_mobile(international) else national
        elif not text.startswith(str(phonenumbers.country_code_for_region(region))):
            chosen = national
    if not chosen:
        return to_e164(text, country_code)
    return phonenumbers.format_number(chosen, phonenumbers.PhoneNumberFormat.E164)
