# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The reminder templates carry the link to the customer's page.

The mail and SMS templates are ``noupdate``: a database installed before the
customer's page (18.0.1.1.0) kept templates without its link, so its
reminders never sent it. For each of the addon's templates whose text has no
link yet:

- English text never edited (one the addon shipped, known here by its
  fingerprint): the text of the addon's data file as it is now (read from the
  XML at upgrade time, not copied here);
- English text edited by the user, and every other language (the .po files do
  not replace the translations of a noupdate record, and a translation may
  have been edited): the text is kept and the link appended (the last element
  of an email's body, the end of an SMS); an edited English text is named in
  a warning of the log: the reminders send the link, the user can move it;
- an email without a reply-to gets the data file's (it came with the page's
  replies).

A template that already shows the link, or that was deleted, is left alone.
"""

import hashlib
import logging
import re

from lxml import etree, html
from psycopg2.extras import Json

from odoo import SUPERUSER_ID, api
from odoo.tools import file_open
from odoo.tools.convert import _eval_xml, xml_import

_logger = logging.getLogger(__name__)

MODULE = "dso_contacts"
DATA_FILES = ("data/mail_template_data.xml", "data/sms_template_data.xml")
# the field holding each kind of template's text
TEXT_FIELDS = {"mail.template": "body_html", "sms.template": "body"}
# fields the user cannot have emptied on purpose: filled from the data file
# when empty (the reply-to came with the customer's page)
FILL_WHEN_EMPTY = {"mail.template": ("reply_to",), "sms.template": ()}
# the English texts the addon shipped before the link (18.0.1.0.0 and
# 18.0.1.1.0), as _fingerprint() reads them from the database
SHIPPED_WITHOUT_LINK = {
    "mail_template_reminder_courtesy": "1b56b7303b96e7ae",
    "mail_template_reminder_first": "3e1f476332b79b84",
    "mail_template_reminder_second": "6f546e942aebdc19",
    "mail_template_reminder_final": "7c1febd1a987ab3e",
    "sms_template_reminder_second": "d7ad65bce63d1eef",
    "sms_template_reminder_final": "3cbfb153a2d1139e",
}


def _fingerprint(text):
    """The same for texts that differ only by spacing and the spelling of
    empty tags (what saving the HTML again may change)."""
    normal = re.sub(r"\s+", "", str(text or "")).replace("/>", ">")
    return hashlib.sha256(normal.encode()).hexdigest()[:16]


def _link_of(model, text):
    """``(marker, snippet)``: what shows the customer's link in a shipped
    text: an element of an email whose expression names the portal, or an
    SMS's ``{{ ... portal ... }}``; ``None`` when the text has none."""
    if model == "sms.template":
        found = re.search(r"\{\{[^}]*portal[^}]*\}\}", text or "")
        return found and (found.group().strip("{} "), " " + found.group())
    for element in html.fragment_fromstring(text or "<div/>", create_parent="div").iter():
        for name, value in element.attrib.items():
            if name.startswith("t-") and "portal" in value:
                element.tail = None
                return value, etree.tostring(element, encoding="unicode", method="html")
    return None


def _append_link(model, text, snippet):
    if model == "sms.template":
        return text.rstrip() + snippet
    fragment = html.fragment_fromstring(text, create_parent="div")
    # inside the body's single block (its styles), else at the end
    target = (
        fragment[-1] if len(fragment) == 1 and not (fragment.text or "").strip() else fragment
    )
    target.append(html.fragment_fromstring(snippet))
    inner = "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in fragment
    )
    return (fragment.text or "") + inner


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    for data_file in DATA_FILES:
        path = f"{MODULE}/{data_file}"
        with file_open(path, "rb") as data:
            document = etree.parse(data)
        for node in document.iterfind(".//record"):
            _update_template(env, node, path)


def _update_template(env, node, path):
    model, xmlid = node.get("model"), node.get("id")
    text_field = TEXT_FIELDS.get(model)
    template = env.ref(f"{MODULE}.{xmlid}", raise_if_not_found=False)
    if not text_field or not template:
        return
    shipped = {field.get("name"): field for field in node.iterfind("field")}
    if text_field not in shipped:
        return
    importer = xml_import(env, MODULE, {}, mode="init", noupdate=True, xml_filename=path)
    # the shipped text as it would be stored (the loader's own conversion)
    new_text = _shipped_value(importer, node, text_field)
    link = _link_of(model, new_text)
    english = template.with_context(lang="en_US")[text_field]
    if not link or link[0] in str(english or ""):
        return
    marker, snippet = link
    fill = [name for name in FILL_WHEN_EMPTY[model] if name in shipped and not template[name]]
    edited = _fingerprint(english) != SHIPPED_WITHOUT_LINK.get(xmlid)
    if not edited:
        # never edited: the addon's English text of now, loaded as the data
        # file loads it
        fill.insert(0, text_field)
    if fill:
        _load_fields(importer, node, fill)
    # the other languages (and the English text the user edited) keep their
    # text, with the link appended: a translation may have been edited, and
    # the .po files do not replace the translations of a noupdate record
    env.flush_all()
    env.cr.execute(
        f'SELECT "{text_field}" FROM "{template._table}" WHERE id = %s', [template.id]
    )
    values = env.cr.fetchone()[0] or {}
    appended = [lang for lang, text in values.items() if text and marker not in text]
    for lang in appended:
        values[lang] = _append_link(model, values[lang], snippet)
    if appended:
        env.cr.execute(
            f'UPDATE "{template._table}" SET "{text_field}" = %s WHERE id = %s',
            [Json(values), template.id],
        )
        template.invalidate_recordset([text_field])
    if edited:
        _logger.warning(
            "%s (%s) was edited: its text is kept and the link to the customer's page "
            "(%s) appended; move it where it reads best",
            template.display_name,
            xmlid,
            marker,
        )
    else:
        _logger.info(
            "%s: %s from %s, the link (%s) appended in %s",
            xmlid,
            ", ".join(fill),
            path,
            marker,
            ", ".join(appended) or "no other language",
        )


def _shipped_value(importer, node, field_name):
    field = node.find(f"field[@name='{field_name}']")
    return _eval_xml(importer, field, importer.env)


def _load_fields(importer, node, field_names):
    """The record of the data file, with only ``field_names``, loaded as at
    install (``init`` mode writes a noupdate record)."""
    record = etree.Element("record", node.attrib)
    for field in node.iterfind("field"):
        if field.get("name") in field_names:
            record.append(field.__copy__())
    importer._tag_record(record)
