# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re

from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..hooks import CORE_TABLE_INDEXES, uninstall_hook

CORE_MODELS = ("account.move.line", "account.move", "res.partner")
CORE_TABLES = ("account_move_line", "account_move", "res_partner")


@tagged("post_install", "-at_install")
class TestUninstall(TransactionCase):
    """Uninstalling the addon leaves none of its indexes on core's tables:
    Odoo drops the addon's tables and columns (and their indexes), the
    uninstall hook the indexes on core's own columns."""

    def _indexes(self):
        self.env.cr.execute(
            SQL(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename IN %s AND indexname LIKE %s",
                CORE_TABLES,
                "%dso%",
            )
        )
        return dict(self.env.cr.fetchall())

    def _own_columns(self):
        """The columns the addon adds to core's tables."""
        fields = self.env["ir.model.data"].search(
            [("module", "=", "dso_contacts"), ("model", "=", "ir.model.fields")]
        )
        return set(
            self.env["ir.model.fields"]
            .browse(fields.mapped("res_id"))
            .filtered(lambda field: field.store and field.model in CORE_MODELS)
            .mapped("name")
        )

    def test_uninstall_hook_drops_the_indexes_on_core_columns(self):
        before = self._indexes()
        # the ageing's and the DSO's, whatever the database's extensions
        for name in CORE_TABLE_INDEXES[:3]:
            self.assertIn(name, before)
        with self.env.cr.savepoint(flush=False) as savepoint:
            uninstall_hook(self.env)
            after = self._indexes()
            savepoint.rollback()
        self.assertFalse(set(after) & set(CORE_TABLE_INDEXES))
        # what stays reads one of the addon's own columns, which Odoo drops
        # with the index
        own = self._own_columns()
        for name, definition in after.items():
            columns = set(re.findall(r"\w+", definition.split(" USING ", 1)[1]))
            self.assertTrue(columns & own, f"{name} is left on core columns: {definition}")
        self.assertEqual(self._indexes(), before)
