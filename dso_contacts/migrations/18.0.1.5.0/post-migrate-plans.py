# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Upgrade to 18.0.1.5.0, where the reminder levels belong to plans: each
company gets a default plan ("Standard") holding all its levels of before,
archived ones included, so that an upgraded database sends exactly what it
sent. ``dso_reminder_level.plan_id`` is required: Odoo adds its NOT NULL once
this script has filled it."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
    Level = env["dso.reminder.level"]
    orphans = Level.search([("plan_id", "=", False)])
    for company, levels in orphans.grouped("company_id").items():
        plan = company._dso_reminder_default_plan()
        levels.write({"plan_id": plan.id})
        _logger.info(
            "dso_contacts: the %s reminder levels of %s moved to its default plan %s",
            len(levels),
            company.name,
            plan.name,
        )
    # every company has its default plan, even one without levels
    for company in env["res.company"].search([]):
        company._dso_reminder_default_plan()
