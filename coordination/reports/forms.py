"""Forms of the public verification page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from coordination.reports.ledger_check import PASTE_LIMIT


class OldCheckpointForm(FlaskForm):
    checkpoint = TextAreaField(
        _l("Signed checkpoint (or the QR text) from a printed manifest or an earlier visit"),
        validators=[
            InputRequired(_l("Paste the whole signed checkpoint, signature lines too.")),
            Length(max=PASTE_LIMIT, message=_l("That is far too long for a checkpoint.")),
        ],
    )
