"""/api/v1 users: admins only. Usernames appear here, never in the ledger."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field

from coordination.accounts import management
from coordination.accounts import services as accounts
from coordination.accounts.models import User
from coordination.api import bp
from coordination.api.framework import api_user, endpoint, paginate
from coordination.db import db
from coordination.kernel.actors import Role
from coordination.kernel.ids import get_or_404
from coordination.kernel.schemas import Page, Strict
from coordination.kernel.text import clean_search
from coordination.parties.schemas import (
    STATUS,
    Name,
    Phone,
    PublicId,
    RegionCode,
    RoleName,
    SearchQuery,
    no_nul,
    party_for,
    region_for,
)

ADMIN = (Role.ADMIN,)
Username = Annotated[str, Field(min_length=3, max_length=64), AfterValidator(no_nul)]
Password = Annotated[str, Field(min_length=8, max_length=256), AfterValidator(no_nul)]


class UserOut(BaseModel):
    id: int
    public_id: str
    username: str
    role: Role
    party: str | None = Field(description="Public id of the party the account acts for.")
    region: str | None
    active: bool
    created_at: datetime
    last_login_at: datetime | None


class UserQuery(SearchQuery):
    role: RoleName | None = None


class UserIn(Strict):
    username: Username
    password: Password
    role: Role
    party: PublicId | None = None
    region: RegionCode | None = None
    full_name: Name | None = None
    phone: Phone | None = None


class UserPatch(Strict):
    role: Role | None = None
    party: PublicId | None = None
    region: RegionCode | None = None
    active: bool | None = None


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        public_id=user.public_id,
        username=user.username,
        role=user.role,
        party=user.party.public_id if user.party else None,
        region=user.region.code if user.region else None,
        active=user.active,
        created_at=user.created_at,
        last_login_at=user.last_login_at,
    )


@endpoint(
    bp,
    "/users",
    "GET",
    "List accounts",
    query=UserQuery,
    response=Page[UserOut],
    roles=ADMIN,
    tag="users",
)
def list_users(query: UserQuery) -> Page[UserOut]:
    role = Role(query.role) if query.role else None
    stmt = management.search_users(clean_search(query.q), role, STATUS[query.status])
    return paginate(db.session, stmt, query, user_out)


@endpoint(bp, "/users/{user_id}", "GET", "One account", response=UserOut, roles=ADMIN, tag="users")
def get_user(user_id: int) -> UserOut:
    return user_out(get_or_404(db.session, User, user_id))


@endpoint(
    bp,
    "/users",
    "POST",
    "Create an account",
    body=UserIn,
    response=UserOut,
    status=201,
    roles=ADMIN,
    tag="users",
)
def create_user(body: UserIn) -> UserOut:
    user = accounts.create_user(
        db.session,
        api_user(),
        username=body.username,
        password=body.password,
        role=body.role,
        party_id=party_for(body.party),
        region_id=region_for(body.region),
        full_name=body.full_name,
        phone=body.phone,
    )
    db.session.commit()
    return user_out(user)


@endpoint(
    bp,
    "/users/{user_id}",
    "PATCH",
    "Change an account's role, party, region or status",
    body=UserPatch,
    response=UserOut,
    roles=ADMIN,
    tag="users",
)
def update_user(user_id: int, body: UserPatch) -> UserOut:
    user = get_or_404(db.session, User, user_id)
    given = body.model_fields_set
    management.update_account(
        db.session,
        api_user(),
        user,
        None,
        role=body.role or user.role,
        party_id=party_for(body.party) if "party" in given else user.party_id,
        region_id=region_for(body.region) if "region" in given else user.region_id,
        full_name=user.full_name,
        phone=user.phone,
    )
    if body.active is not None:
        accounts.set_active(db.session, api_user(), user, body.active)
    db.session.commit()
    return user_out(user)
