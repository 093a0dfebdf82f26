# ruff: noqa: RUF001 - Turkish letters and the signs of mojibake look like others
"""Guess the encoding of a text file, without the ORM.

UTF-8 and UTF-16 leave no doubt; otherwise the Windows and East Asian code
pages that spreadsheets write a "CSV" in are ranked by a maintained detector,
helped by the languages of the company and the user, and the guess says
whether it is sure (see :func:`guess_encoding`).
"""

import codecs


class BinaryFileError(Exception):
    """The data is not text."""


# the bytes read to guess a text file's encoding
ENCODING_SAMPLE_SIZE = 1024 * 1024
# the code pages that Excel and LibreOffice write a "CSV" in, on the systems
# of our users' languages; the others write cp1252
LEGACY_ENCODINGS = ("cp1252", "cp1250", "cp1254", "cp932", "gb18030")
LANGUAGE_ENCODINGS = {
    "pl": "cp1250",
    "ro": "cp1250",
    "hr": "cp1250",
    "cs": "cp1250",
    "sk": "cp1250",
    "hu": "cp1250",
    "sl": "cp1250",
    "tr": "cp1254",
    "ja": "cp932",
    "zh": "gb18030",
}
# a guess better than the next by this margin is clear
ENCODING_MARGIN = 0.1
# the accented letters of each language (lower case), to tell a right guess
# from mojibake
# (no "æ": none of these languages writes it in a name, and Windows-1252
# shows it for the "ć" of Windows-1250: "Periæ" is "Perić")
WESTERN_LETTERS = "àáâãäåçèéêëìíîïñòóôõöøùúûüýÿœß"
LANGUAGE_LETTERS = {
    "en": WESTERN_LETTERS,
    "fr": "àâçéèêëîïôœùûüÿ",
    "de": "äöüßéè",
    "nl": "áéëèíïóöúüĳ",
    "es": "áéíñóúüç",
    "it": "àèéìíîòóùú",
    "pt": "áâãàçéêíóôõúü",
    "pl": "ąćęłńóśźż",
    "ro": "ăâîșşțţ",
    "sv": "åäöéü",
    "tr": "çğıiöşüâîû",
    "hr": "čćđšž",
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "hu": "áéíóöőúüű",
    "sl": "čšž",
}
# the languages written in each Windows code page
CODE_PAGE_LANGUAGES = {
    "cp1252": ("en", "fr", "de", "nl", "es", "it", "pt", "sv"),
    "cp1250": ("pl", "ro", "hr", "cs", "sk", "hu", "sl"),
    "cp1254": ("tr",),
}
# characters that Windows-1252 shows for Central European letters
MOJIBAKE_SIGNS = "¹²³¼½¾¿¦¤¥ª¸"
# what the detectors call the same code pages
ENCODING_FAMILIES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "windows-1250": "cp1250",
    "windows-1252": "cp1252",
    "windows-1254": "cp1254",
}


def _decodes(data, encoding):
    try:
        # final=False: a character cut at the end of the sample is no error
        codecs.getincrementaldecoder(encoding)().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def preferred_encodings(languages):
    """The legacy code pages that spreadsheets of these languages write
    (``["pl_PL", "fr_FR"]`` gives ``["cp1250", "cp1252"]``)."""
    encodings = []
    for lang in languages or ():
        encoding = LANGUAGE_ENCODINGS.get((lang or "")[:2].lower(), "cp1252")
        if encoding not in encodings:
            encodings.append(encoding)
    return encodings


def _rank_encodings(sample, candidates):
    """``[(encoding, score)]`` of the ``candidates``, the most likely first,
    as a maintained detector ranks them (charset_normalizer, else chardet);
    the score is higher for text that looks more like a language."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - Odoo requires chardet
        import chardet

        found = chardet.detect(sample).get("encoding") or ""
        found = ENCODING_FAMILIES.get(found.lower(), found.lower())
        return [(encoding, 1.0 if encoding == found else 0.0) for encoding in candidates]
    ranked = {}
    for match in from_bytes(sample, cp_isolation=list(candidates)):
        encoding = ENCODING_FAMILIES.get(match.encoding, match.encoding)
        if encoding in candidates and encoding not in ranked:
            ranked[encoding] = match.coherence - match.chaos
    for encoding in candidates:
        ranked.setdefault(encoding, -1.0)
    return sorted(ranked.items(), key=lambda item: -item[1])


def guess_encoding(sample, languages=()):
    """``(encoding, sure)`` of a text file from its first bytes.

    A BOM, or text that is valid UTF-8, leaves no doubt. Otherwise the
    Windows and East Asian code pages that can decode the sample are ranked
    by a detector; the guess is sure when it is the only one, or the code
    page of one of ``languages`` (the company's and the user's): a Polish
    file in Windows-1250 read by a French user is shown to be confirmed.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", True
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", True
    if b"\x00" in sample:
        # UTF-16 without BOM: every other byte of ASCII text is a NUL
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.1:
            return "utf-16-le", True
        if even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.1:
            return "utf-16-be", True
        raise BinaryFileError()
    if _decodes(sample, "utf-8"):
        return "utf-8", True
    decodable = [encoding for encoding in LEGACY_ENCODINGS if _decodes(sample, encoding)]
    if not decodable:
        return "latin-1", False
    if len(decodable) == 1:
        return decodable[0], True
    # each reading once; code pages that read this sample alike are one
    # candidate, scored once
    readings = {encoding: sample.decode(encoding, errors="ignore") for encoding in decodable}
    alike = {}
    for encoding, text in readings.items():
        alike.setdefault(text, []).append(encoding)
    preferred = preferred_encodings(languages) or ["cp1252"]
    if len(alike) == 1:
        return next((e for e in preferred if e in decodable), decodable[0]), True
    groups = {members[0]: members for members in alike.values()}
    ranked = [
        (encoding, score)
        for first, score in _rank_encodings(sample, list(groups))
        for encoding in groups[first]
    ]
    best_score = ranked[0][1]
    close = [encoding for encoding, score in ranked if best_score - score < ENCODING_MARGIN]
    chosen, text = _choose_among_close(readings, close, preferred)
    if len({readings[encoding] for encoding in close}) == 1:
        return chosen, True  # the close code pages read this text alike
    # one clear winner, or close ones (French reads almost the same in
    # Windows-1250 and 1252) of which the company's language's code page;
    # sure only if its letters are the languages' ("Ma³gorzata" is not French)
    won = len(close) == 1 or (bool(languages) and chosen == preferred[0])
    return chosen, won and not _foreign_letters(text, languages)


def _choose_among_close(readings, close, preferred):
    """``(encoding, text)``: of the code pages that the detector finds
    ``close`` (``readings``: {encoding: the sample read in it}), the reading
    to propose: the first ``preferred`` one, unless its text shows signs of
    mojibake that another reading has not."""
    chosen = next((encoding for encoding in preferred if encoding in close), close[0])
    text = readings[chosen]
    if set(text) & set(MOJIBAKE_SIGNS):
        # "Ma³gorzata": another close code page that reads letters instead
        for encoding in close:
            other = readings[encoding]
            if not set(other) & set(MOJIBAKE_SIGNS):
                chosen, text = encoding, other
                break
    if not _native(text, chosen):
        # "Kovaèeviæ": letters no language of the code page writes, where
        # another close code page reads letters of its own languages
        for encoding in close:
            other = readings[encoding]
            if encoding != chosen and _native(other, encoding):
                chosen, text = encoding, other
                break
    return chosen, text


def _foreign_letters(text, languages):
    """The letters of ``text`` that none of ``languages`` writes (accented
    Latin letters only: other scripts are left to the detector)."""
    alphabet = set()
    for lang in languages or ("en",):
        alphabet |= set(LANGUAGE_LETTERS.get((lang or "")[:2].lower(), WESTERN_LETTERS))
    return {
        char
        for char in set(text.lower())
        if ord(char) > 127
        and ord(char) < 0x2E80  # below the CJK blocks
        and (char.isalpha() or char in MOJIBAKE_SIGNS)
        and char not in alphabet
    }


def _native(text, encoding):
    """Whether the accented letters of ``text`` are all letters of the
    languages of the Windows code page ``encoding`` (always, for the East
    Asian ones, left to the detector)."""
    languages = CODE_PAGE_LANGUAGES.get(encoding)
    return not languages or not _foreign_letters(text, languages)
