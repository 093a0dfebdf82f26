"""The two guards every door of the addon shares: who may act as a collector,
and whether a long job may commit its progress."""

import threading

from odoo import modules, tools
from odoo.exceptions import AccessError

COLLECTOR_GROUP = "account.group_account_invoice"


def is_collector(env):
    """Whether the environment's user may import contacts, send reminders and
    manage the customers' links: an accounting user (Billing or Accountant),
    or the superuser (scheduled actions, background jobs)."""
    return env.su or env.user.has_group(COLLECTOR_GROUP)


def check_collector(env, message):
    """Raise ``AccessError(message)`` unless :func:`is_collector`."""
    if not is_collector(env):
        raise AccessError(message)


def can_commit():
    """Whether a scheduled action or a background job may commit its progress
    (batches done, position reached): never under tests, whose transaction is
    rolled back at the end."""
    return not (
        modules.module.current_test
        or getattr(threading.current_thread(), "testing", False)
        or tools.config["test_enable"]
    )
