# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re
from urllib.parse import parse_qs, urlsplit

from odoo.tests import HttpCase

from .common_reminder import ReminderCommon


class PortalCommon(ReminderCommon):
    """Reminder setup plus the customer's page link."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reasons = cls.env["dso.dispute.reason"].search([])
        cls.company.dso_reminder_user_id = cls.accountant

    def _access(self, customer=None, company=None):
        return self.env["dso.customer.access"]._ensure(
            customer or self.customer, company or self.company
        )


class PortalHttpCommon(PortalCommon, HttpCase):
    def _page_path(self, customer=None, company=None):
        url = (customer or self.customer)._dso_portal_url(company or self.company)
        parts = urlsplit(url)
        return f"{parts.path}?{parts.query}"

    @staticmethod
    def _token_of(path):
        return parse_qs(urlsplit(path).query)["access_token"][0]

    def _open(self, path):
        return self.url_open(path, allow_redirects=False)

    def _form_keys(self, path):
        """CSRF token and submission key of the page, as a browser gets them."""
        html = self.url_open(path).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        key = re.search(r'name="submission_key" value="([^"]+)"', html).group(1)
        return csrf, key
