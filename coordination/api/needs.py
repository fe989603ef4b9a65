"""/api/v1 needs: the same services and access rules as the need pages."""

from __future__ import annotations

from flask import Response, request
from sqlalchemy import select

from coordination.api import bp
from coordination.api.framework import api_user, endpoint, paginate
from coordination.catalog.models import Item
from coordination.db import db
from coordination.kernel.errors import Invalid
from coordination.kernel.schemas import Page
from coordination.kernel.text import N_, clean_search
from coordination.needs import services
from coordination.needs.access import (
    NEED_READERS,
    SUBMITTERS,
    TRIAGERS,
    can_triage,
    scoped,
    sees_all_regions,
    visible_by_public_id,
    visible_need,
)
from coordination.needs.checks import TOKEN, LineInput, NeedInput
from coordination.needs.forms import new_token
from coordination.needs.models import DeliveryKind, NeedStatus, Priority
from coordination.needs.queries import (
    TriageFilter,
    needs_of_party,
    triage_queue,
)
from coordination.needs.schemas import (
    CommentIn,
    MergeIn,
    NeedIn,
    NeedOut,
    NeedQuery,
    NeedVersionIn,
    ReasonIn,
    UnavailableIn,
    need_out,
)
from coordination.parties.models import Location
from coordination.parties.schemas import region_for
from coordination.web.errors import problem

TAG = "needs"


def _out(need_id: int) -> NeedOut:
    user = api_user()
    return need_out(visible_need(db.session, user, need_id), can_triage(user))


@endpoint(
    bp,
    "/needs",
    "GET",
    "List needs: your own, or (coordinators) the triage queue",
    query=NeedQuery,
    response=Page[NeedOut],
    roles=NEED_READERS,
    tag=TAG,
)
def list_needs(query: NeedQuery) -> Page[NeedOut]:
    user = api_user()
    triager = can_triage(user)
    if triager:
        # A coordinator's region comes from its account; only admins filter by region.
        region = (query.region or "").upper() if sees_all_regions(user) else ""
        stmt = scoped(
            user,
            triage_queue(
                TriageFilter(
                    q=clean_search(query.q),
                    region=region,
                    item=query.item or "",
                    priority=Priority(query.priority) if query.priority else None,
                    status=None if query.status == "all" else NeedStatus(query.status),
                )
            ),
        )
    else:
        stmt = needs_of_party(user.party_id or 0)
        if query.status != "all":
            stmt = stmt.where(services.Need.status == NeedStatus(query.status))
    return paginate(db.session, stmt, query, lambda n: need_out(n, triager))


@endpoint(
    bp,
    "/needs/{need_id}",
    "GET",
    "One need (404 if it is not yours)",
    response=NeedOut,
    roles=NEED_READERS,
    tag=TAG,
)
def get_need(need_id: int) -> NeedOut:
    return _out(need_id)


def _need_input(body: NeedIn) -> NeedInput:
    hub = None
    if body.hub is not None:
        loc = db.session.scalar(select(Location).where(Location.public_id == body.hub))
        if loc is None:
            raise Invalid(N_("Choose a hub from the list."), field="hub")
        hub = loc.id
    lines = []
    for n, line in enumerate(body.lines):
        item = db.session.scalar(select(Item).where(Item.code == line.item))
        if item is None:
            raise Invalid(N_("Choose an item from the catalog."), field=f"lines-{n}-item")
        lines.append(
            LineInput(
                item.id,
                line.quantity,
                line.size,
                Priority(line.priority),
                line.needed_by,
                line.note,
                n,
            )
        )
    return NeedInput(
        region_id=region_for(body.region),
        delivery_kind=DeliveryKind(body.delivery),
        town=body.town,
        location_id=hub,
        address=body.address,
        serviceman_name=body.serviceman_name,
        serviceman_unit=body.serviceman_unit,
        lines=lines,
    )


@endpoint(
    bp,
    "/needs",
    "POST",
    "Submit a need; send an Idempotency-Key header (or submission_token) to make a "
    "repeat land on the first (200) instead of creating another (201)",
    body=NeedIn,
    response=NeedOut,
    status=201,
    roles=SUBMITTERS,
    tag=TAG,
)
def create_need(body: NeedIn) -> Response | tuple[NeedOut, int]:
    key = request.headers.get("Idempotency-Key") or body.submission_token
    if key is not None and not TOKEN.fullmatch(key):
        return problem(400, "Bad request", "Idempotency-Key must be 16 to 64 of A-Z a-z 0-9 _ -.")
    need, created = services.submit_need(
        db.session, api_user(), _need_input(body), key or new_token()
    )
    db.session.commit()
    return need_out(need, False), 201 if created else 200


@endpoint(
    bp,
    "/needs/{need_id}/cancel",
    "POST",
    "Cancel your need while it is submitted",
    body=NeedVersionIn,
    response=NeedOut,
    roles=SUBMITTERS,
    tag=TAG,
)
def cancel_need(need_id: int, body: NeedVersionIn) -> NeedOut:
    need = visible_need(db.session, api_user(), need_id)
    services.cancel_need(db.session, api_user(), need, body.version)
    db.session.commit()
    return _out(need_id)


@endpoint(
    bp,
    "/needs/{need_id}/approve",
    "POST",
    "Approve a submitted need",
    body=NeedVersionIn,
    response=NeedOut,
    roles=TRIAGERS,
    tag=TAG,
)
def approve_need(need_id: int, body: NeedVersionIn) -> NeedOut:
    need = visible_need(db.session, api_user(), need_id)
    services.approve_need(db.session, api_user(), need, body.version)
    db.session.commit()
    return _out(need_id)


@endpoint(
    bp,
    "/needs/{need_id}/reject",
    "POST",
    "Reject a need with a reason the submitter sees",
    body=ReasonIn,
    response=NeedOut,
    roles=TRIAGERS,
    tag=TAG,
)
def reject_need(need_id: int, body: ReasonIn) -> NeedOut:
    need = visible_need(db.session, api_user(), need_id)
    services.reject_need(db.session, api_user(), need, body.version, body.reason)
    db.session.commit()
    return _out(need_id)


@endpoint(
    bp,
    "/needs/{need_id}/lines/{line_id}/unavailable",
    "POST",
    "Mark one line unavailable, with an optional reason the submitter sees; "
    "409 if the need changed since the version you send",
    body=UnavailableIn,
    response=NeedOut,
    roles=TRIAGERS,
    tag=TAG,
)
def line_unavailable(need_id: int, line_id: int, body: UnavailableIn) -> NeedOut:
    need = visible_need(db.session, api_user(), need_id)
    services.mark_line_unavailable(db.session, api_user(), need, body.version, line_id, body.reason)
    db.session.commit()
    return _out(need_id)


@endpoint(
    bp,
    "/needs/{need_id}/merge",
    "POST",
    "Close a duplicate in favour of another open need of the same family or unit; "
    "409 if the duplicate changed since the version you send",
    body=MergeIn,
    response=NeedOut,
    roles=TRIAGERS,
    tag=TAG,
)
def merge_need(need_id: int, body: MergeIn) -> NeedOut:
    need = visible_need(db.session, api_user(), need_id)
    into = visible_by_public_id(db.session, api_user(), body.into)
    if into is None:  # unknown, or in a region the coordinator does not see: the same answer
        raise Invalid(services.NO_SUCH_NEED, field="into")
    services.merge_need(db.session, api_user(), need, body.version, into)
    db.session.commit()
    return _out(need_id)


@endpoint(
    bp,
    "/needs/{need_id}/comment",
    "POST",
    "Comment on a need (coordinators only see it)",
    body=CommentIn,
    response=NeedOut,
    status=201,
    roles=TRIAGERS,
    tag=TAG,
)
def comment_need(need_id: int, body: CommentIn) -> NeedOut:
    need = visible_need(db.session, api_user(), need_id)
    services.comment_need(db.session, api_user(), need, body.text)
    db.session.commit()
    return _out(need_id)
