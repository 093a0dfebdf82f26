# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The counts of the smart buttons."""


def count_by(records, model_name, fname, domain=()):
    """``{record id: number of model_name rows whose fname is that record}``,
    in one grouped query, as the user reads them (nothing without read
    access: the button is hidden then)."""
    model = records.env[model_name]
    if not records or not model.has_access("read"):
        return {}
    groups = model._read_group([(fname, "in", records.ids), *domain], [fname], ["__count"])
    return {record.id: count for record, count in groups}
