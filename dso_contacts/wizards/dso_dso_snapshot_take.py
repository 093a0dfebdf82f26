# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import fields, models


def _last_month():
    today = fields.Date.today()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


class DsoDsoSnapshotTake(models.TransientModel):
    """Compute the snapshot of a past month on demand (a door of the
    snapshot engine)."""

    _name = "dso.dso.snapshot.take"
    _description = "Compute a DSO Snapshot"

    month = fields.Date(required=True, default=lambda self: _last_month())

    def action_take(self):
        self.ensure_one()
        return self.env["dso.dso.snapshot"].action_take_month(self.month)
