# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .dso_ageing_report import BUCKET_FIELDS

LIMIT_FIELDS = frozenset({"dso_ageing_limit_1", "dso_ageing_limit_2", "dso_ageing_limit_3"})


class ResCompany(models.Model):
    """The collection cockpit's settings: the limits of the ageing buckets
    and the period of the DSO shown on the customers and in the snapshots."""

    _inherit = "res.company"

    dso_ageing_limit_1 = fields.Integer(
        string="Ageing: end of the 1st period (days)",
        default=30,
        help="Items overdue by 1 to this many days fall in the first period.",
    )
    dso_ageing_limit_2 = fields.Integer(
        string="Ageing: end of the 2nd period (days)", default=60
    )
    dso_ageing_limit_3 = fields.Integer(
        string="Ageing: end of the 3rd period (days)",
        default=90,
        help="Items overdue by more than this many days fall in the last period.",
    )
    dso_period_days = fields.Selection(
        [("30", "30 days"), ("90", "90 days"), ("365", "365 days")],
        string="DSO period",
        default="90",
        required=True,
        help="Credit sales of this many days, ending on the date of the figure, "
        "divide the receivables (customer form, monthly snapshots).",
    )

    @api.constrains("dso_ageing_limit_1", "dso_ageing_limit_2", "dso_ageing_limit_3")
    def _check_dso_ageing_limits(self):
        for company in self:
            if not (
                0
                < company.dso_ageing_limit_1
                < company.dso_ageing_limit_2
                < company.dso_ageing_limit_3
            ):
                raise ValidationError(
                    self.env._(
                        "The ageing periods of %(company)s must end after 0 days and "
                        "each after the one before (for instance 30, 60, 90).",
                        company=company.display_name,
                    )
                )

    def write(self, vals):
        res = super().write(vals)
        if LIMIT_FIELDS.intersection(vals):
            # every stored total of the company is in other buckets now: they
            # are computed again (one SQL statement, a settings change is rare)
            self.env["dso.ageing.total"]._refresh(full=True)
        return res

    def _dso_label_bucket_columns(self, fields_info):
        """Label the bucket amount columns of a ``fields_get`` result (and
        its ``bucket`` selection, if any) with this company's limits."""
        labels = self._dso_ageing_bucket_labels()
        if "selection" in fields_info.get("bucket", {}):
            fields_info["bucket"]["selection"] = labels
        for bucket, label in labels:
            name = BUCKET_FIELDS[bucket]
            if "string" in fields_info.get(name, {}):
                fields_info[name]["string"] = label
        return fields_info

    def _dso_ageing_bucket_labels(self):
        """Labels of the ageing buckets for this company's limits."""
        self.ensure_one()
        first, second, third = (
            self.dso_ageing_limit_1,
            self.dso_ageing_limit_2,
            self.dso_ageing_limit_3,
        )
        return [
            ("0_not_due", self.env._("Not due")),
            ("1_period", self.env._("1-%(to)s days", to=first)),
            (
                "2_period",
                self.env._("%(from)s-%(to)s days", **{"from": first + 1, "to": second}),
            ),
            (
                "3_period",
                self.env._("%(from)s-%(to)s days", **{"from": second + 1, "to": third}),
            ),
            ("4_period", self.env._("Over %(days)s days", days=third)),
            ("5_credit", self.env._("Open credits")),
        ]
