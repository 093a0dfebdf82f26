# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import re
from functools import reduce

from markupsafe import Markup, escape

from odoo import api, models
from odoo.tools.mail import html_normalize

# mail.render.mixin._render_template_qweb_regex's pattern: a tag with t-out
T_OUT_RE = re.compile(
    r"""<(\w+)[\s|\n]+t-out=[\s|\n]*(\'|\")((\w|\.)+)(\2)[\s|\n]*((\/>)|(>[\s|\n]*([^<>]*?))[\s|\n]*<\/\1>)""",
    flags=re.DOTALL,
)


class MailRenderMixin(models.AbstractModel):
    _inherit = "mail.render.mixin"

    @api.model
    def _render_template_qweb_regex(self, template_src, model, res_ids):
        """Core's regex rendering of a template that only outputs fields, for a
        batch of reminders: the source normalized once for the batch. Core
        normalizes the same source again for each record (``html_normalize``:
        5% of the reminder run's CPU, bench/README.md); the substitution is
        core's, record by record, with its check of each expression."""
        if model != "dso.reminder" or len(res_ids) < 2 or not template_src:
            return super()._render_template_qweb_regex(template_src, model, res_ids)
        source = html_normalize(f"<div>{template_src}</div>")
        allowed = {}
        result = {}
        for record in self.env[model].browse(res_ids):

            def replace(match, record=record):
                tag, expr, default = match.group(1), match.group(3), match.group(9)
                if expr not in allowed:
                    allowed[expr] = self.env["ir.qweb"]._is_expression_allowed(expr, model)
                if not allowed[expr]:
                    raise SyntaxError(f"Invalid expression for the regex mode {expr!r}")
                try:
                    value = (
                        reduce(lambda rec, field: rec[field], expr.split(".")[1:], record)
                        or default
                    )
                except KeyError:
                    value = default
                value = escape(value or "")
                return value if tag.lower() == "t" else f"<{tag}>{value}</{tag}>"

            result[record.id] = Markup(T_OUT_RE.sub(replace, source))
        return result
