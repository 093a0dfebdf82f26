# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """A language installed after the addon: the reminder levels created
        by code (one set per company) get their names in it, as account does
        for the records of its charts of accounts."""
        res = super()._load_module_terms(
            modules, langs, overwrite=overwrite, imported_module=imported_module
        )
        if "dso_contacts" in modules and "dso.reminder.level" in self.env:
            self.env["dso.reminder.level"]._translate_default_names(langs, overwrite)
        return res
