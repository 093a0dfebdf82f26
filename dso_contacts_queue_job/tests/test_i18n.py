# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path

from odoo.addons.dso_contacts.tests.po_check import pot_differences


@tagged("post_install", "-at_install")
class TestTranslationTemplate(TransactionCase):
    def test_committed_template_holds_the_terms_of_the_code(self):
        """The committed .pot is what ``make pot`` exports now."""
        pot = file_path("dso_contacts_queue_job/i18n/dso_contacts_queue_job.pot")
        problems = pot_differences(self.env.cr, "dso_contacts_queue_job", pot)
        self.assertFalse(problems, "\n".join(["", *problems]))
