"""The upload form and the confirm button's form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import InputRequired

from coordination.imports.models import ImportKind, ImportStatus

KIND_LABELS = {
    ImportKind.BATCHES: _l("Production log (batches our group made)"),
    ImportKind.IN_KIND: _l("Donations in kind"),
    ImportKind.MONEY: _l("Money donations"),
}

STATUS_LABELS = {
    ImportStatus.CHECKED: _l("checked, waiting for confirmation"),
    ImportStatus.IMPORTING: _l("importing"),
    ImportStatus.DONE: _l("imported"),
    ImportStatus.FAILED: _l("failed"),
}


class UploadForm(FlaskForm):
    kind = SelectField(_l("What the file holds"), validators=[InputRequired()])
    file = FileField(_l("CSV or XLSX file"), validators=[FileRequired(_l("Choose a file."))])

    def setup(self, kinds: list[ImportKind]) -> UploadForm:
        self.kind.choices = [(k.value, str(KIND_LABELS[k])) for k in kinds]
        return self


class ConfirmForm(FlaskForm):
    """Only the CSRF token: confirming is a POST that the owner makes on purpose."""
