"""Dispute forms: open a dispute, record its outcome, publish it."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from coordination.deliveries.models import Delivery
from coordination.disputes.models import ClaimKind, DisputeStatus
from coordination.disputes.services import TEXT_LIMIT, URL_LIMIT, ClaimInput, handover_roles
from coordination.parties.forms import no_nul, options


class DisputeForm(FlaskForm):
    code = StringField(
        _l("Verification code of the delivery"),
        validators=[InputRequired(), Length(max=24), no_nul],
    )
    claim_kind = SelectField(
        _l("What do you challenge?"),
        choices=options(
            [
                (ClaimKind.HANDOVER, _l("A handover recorded here")),
                (ClaimKind.EXTERNAL, _l("A claim made elsewhere (news, an official's report)")),
            ]
        ),
    )
    handover_id = SelectField(
        _l("Handover (required to challenge a handover)"), choices=[], validate_choice=False
    )
    claim_text = TextAreaField(
        _l("The claim, and why it is wrong"),
        validators=[InputRequired(), Length(max=TEXT_LIMIT), no_nul],
    )
    claim_url = StringField(
        _l("Link to the claim (optional)"), validators=[Optional(), Length(max=URL_LIMIT), no_nul]
    )

    def offer_handovers(self, delivery: Delivery | None) -> None:
        pairs: list[tuple[str, Any]] = [("", _l("— not a handover claim —"))]
        for h in delivery.handovers if delivery is not None else []:
            view = handover_roles(h)
            pairs.append(
                (h.public_id, f"{view['day']}: {view['from']} → {view['to']} ({view['to_role']})")
            )
        self.handover_id.choices = options(pairs)

    def claim_input(self) -> ClaimInput:
        return ClaimInput(
            code=self.code.data,
            claim_kind=self.claim_kind.data,
            claim_text=self.claim_text.data,
            claim_url=self.claim_url.data,
            handover_id=self.handover_id.data,
        )


class ResolveForm(FlaskForm):
    version = HiddenField()
    outcome = SelectField(
        _l("Outcome"),
        choices=options(
            [
                (DisputeStatus.UPHELD, _l("Upheld: the challenged claim is wrong")),
                (DisputeStatus.REJECTED, _l("Rejected: the claim stands")),
            ]
        ),
    )
    note = TextAreaField(
        _l("Reasons"), validators=[InputRequired(), Length(max=TEXT_LIMIT), no_nul]
    )


class ReportPhotoForm(FlaskForm):
    file = FileField(_l("Photo of the claim (JPEG, PNG or WebP, up to 10 MB)"))


class ActionForm(FlaskForm):
    """A bare POST with its CSRF token (publish)."""


def role_names() -> dict[str, str]:
    from flask_babel import gettext as _

    return {
        "source": _("source"),
        "collector": _("collector"),
        "carrier": _("carrier"),
        "presenter": _("presenter"),
        "recipient": _("recipient"),
    }


def status_names() -> dict[str, str]:
    from flask_babel import gettext as _

    return {
        "open": _("Open"),
        "upheld": _("Upheld: the challenged claim is wrong"),
        "rejected": _("Rejected: the claim stands"),
    }
