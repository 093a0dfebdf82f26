# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging

from psycopg2 import Error as DatabaseError
from psycopg2 import errors as db_errors

from odoo import api, models
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import _as_validation_error
from odoo.tools.mail import email_normalize, single_email_re
from odoo.tools.translate import translate_sql_constraint

from ..tools.phone import check_phone
from ..tools.phone_repair import repair_phone

_logger = logging.getLogger(__name__)

# longest value accepted per target field; longer cells reject their row
MAX_LENGTHS = {"comment": 10000, "street": 256, "street2": 256}
DEFAULT_MAX_LENGTH = 256


class DsoContactImportEngine(models.AbstractModel):
    """What the import engine checks in a row and how it writes: the values
    of a row, emails, phones, customers by code, and the database's refusals
    said in words."""

    _inherit = "dso.contact.import.engine"

    # -- row validation ----------------------------------------------------------

    @api.model
    def _row_values(self, run, cells, mapping):
        """``({field: text}, reason)`` of one row; ``reason`` when it is invalid."""
        header_length = len(run.header)
        extra = [cell for cell in cells[header_length:] if cell]
        if extra:
            return None, self.env._(
                "This row has %(count)s values but the header has %(columns)s columns.",
                count=header_length + len(extra),
                columns=header_length,
            )
        values = {}
        for field, index in mapping.items():
            value = cells[index] if index < len(cells) else ""
            limit = MAX_LENGTHS.get(field, DEFAULT_MAX_LENGTH)
            if len(value) > limit:
                return None, self.env._(
                    "The value of %(column)s is too long (%(length)s characters; at "
                    "most %(max)s).",
                    column=run.column_label(index),
                    length=len(value),
                    max=limit,
                )
            values[field] = value
        return values, None

    @api.model
    def _check_email(self, email):
        """``(normalised email, reason)``; an empty email is fine."""
        if not email:
            return False, None
        # one address with a domain: what a reminder can reach
        if not email_normalize(email, strict=True) or not single_email_re.match(email.strip()):
            return False, self.env._(
                "%(email)s is not a valid email address (reminders would bounce).",
                email=email,
            )
        return email.strip(), None

    @api.model
    def _phone(self, number, country_code, line, run, label, mobile=False):
        """The number in E.164 form (as a spreadsheet may have left it: no
        "+", no leading zero), else as written with a warning. A number that
        is not valid, or a ``mobile`` that is not a mobile number, is stored
        with a warning: no SMS could reach it (the rule of the form and of the
        sending, ``res.partner._dso_phone_warning``)."""
        if not number:
            return False
        e164 = repair_phone(number, country_code)
        if not e164:
            run.warn(
                self.env._(
                    "Line %(line)s: the %(label)s %(number)s could not be read as a "
                    "phone number; it is kept as written.",
                    line=line,
                    label=label,
                    number=number,
                )
            )
            return number
        warning = self.env["res.partner"]._dso_phone_warning(
            "mobile" if mobile else "phone", number, check_phone(e164, country_code)[1]
        )
        if warning:
            run.warn(
                self.env._(
                    "Line %(line)s: %(warning)s It is stored as %(stored)s.",
                    line=line,
                    warning=warning,
                    stored=e164,
                )
            )
        return e164

    @api.model
    def _find_customers(self, refs):
        """``{ref: customer}`` of the customers (companies or people without
        parent) visible in the current company, or shared; one search."""
        refs = [ref for ref in refs if ref]
        if not refs:
            return {}, set()
        customers = (
            self.env["res.partner"]
            .with_context(active_test=True)
            .search_fetch(
                [
                    ("ref", "in", refs),
                    ("parent_id", "=", False),
                    ("company_id", "in", [False, self.env.company.id]),
                ],
                ["ref", "company_id", "country_id", "lang", "name"],
            )
        )
        found, ambiguous = {}, set()
        for customer in customers.sorted(lambda c: (not c.company_id, c.id)):
            current = found.get(customer.ref)
            if current and bool(current.company_id) == bool(customer.company_id):
                ambiguous.add(customer.ref)
            found.setdefault(customer.ref, customer)
        return found, ambiguous

    # -- writing -------------------------------------------------------------------

    @api.model
    def _partner_model(self):
        # no creation message or tracking on imported contacts, as Odoo's own
        # import
        return self.env["res.partner"].with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
        )

    @api.model
    def _try(self, function):
        """``(function()'s result, None)``, or ``(None, the refusal's message)``
        when the ORM or the database refuses (under a savepoint, so that the
        failure writes nothing)."""
        try:
            with self.env.cr.savepoint():
                return function(), None
        except (UserError, ValidationError, DatabaseError) as error:
            _logger.info("Import: a row was refused: %s", error)
            return None, self._refusal_message(error)

    @api.model
    def _refusal_message(self, error):
        """A sentence for the report of a row that the ORM, the database or
        another module refused: never a raw SQL error."""
        if isinstance(error, db_errors.NotNullViolation):
            model = self.env.registry.get(
                next(
                    (
                        name
                        for name, model in self.env.registry.items()
                        if model._table == error.diag.table_name
                    ),
                    "",
                )
            )
            field = model._fields.get(error.diag.column_name) if model is not None else None
            return self.env._(
                "The field %(field)s is required: give it a value.",
                field=field._description_string(self.env) if field else error.diag.column_name,
            )
        if isinstance(error, DatabaseError):
            constraint = error.diag.constraint_name
            if constraint in self.env.registry._sql_constraints:
                return translate_sql_constraint(
                    self.env.cr, constraint, self.env.lang or "en_US"
                )
            if isinstance(error, db_errors.CheckViolation | db_errors.UniqueViolation):
                return self.env._(
                    "The database refused this row (rule %(constraint)s).",
                    constraint=constraint,
                )
            return str(_as_validation_error(self.env, error).args[0]).split("\n", 1)[0]
        return str(error.args[0] if error.args else error)
