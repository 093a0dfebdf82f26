# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The SMS reminders carry the customer page's short link. Their
    templates are noupdate: the link is replaced here in every language of
    the shipped templates, unless someone already took it out."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    for xmlid in (
        "dso_contacts.sms_template_reminder_second",
        "dso_contacts.sms_template_reminder_final",
    ):
        template = env.ref(xmlid, raise_if_not_found=False)
        if not template:
            continue
        cr.execute(
            """
            UPDATE sms_template
               SET body = replace(body::text, 'object.portal_url }}',
                                  'object.portal_short_url }}')::jsonb
             WHERE id = %s
            """,
            [template.id],
        )
