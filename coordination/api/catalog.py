"""/api/v1 catalog: items (with sizes and kit components) and categories."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import select

from coordination.api import bp
from coordination.api.framework import api_user, endpoint, paginate
from coordination.catalog import services
from coordination.catalog.access import can_manage_catalog
from coordination.catalog.models import Category, Item, UnitOfMeasure
from coordination.db import db
from coordination.kernel.actors import Role
from coordination.kernel.errors import Invalid, NotFound
from coordination.kernel.ids import get_or_404
from coordination.kernel.paging import search_clause
from coordination.kernel.schemas import Page, PageQuery, Strict
from coordination.kernel.text import N_, clean_search
from coordination.parties.schemas import Label, Name, Search, SearchQuery, no_nul

ADMIN = (Role.ADMIN,)
Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{1,31}$")]
Size = Annotated[
    str, Field(min_length=1, max_length=services.MAX_SIZE_LENGTH), AfterValidator(no_nul)
]
Sizes = Annotated[list[Size], Field(max_length=services.MAX_SIZES)]
Quantity = Annotated[int, Field(ge=1, le=services.MAX_QUANTITY)]


class Component(Strict):
    code: Code
    quantity: Quantity


Components = Annotated[list[Component], Field(max_length=services.MAX_COMPONENTS)]


class ItemOut(BaseModel):
    id: int
    code: str
    name_ru: str
    name_en: str
    unit: UnitOfMeasure
    category: str | None
    sizes: list[str]
    is_kit: bool
    components: list[Component]
    active: bool


class ItemQuery(SearchQuery):
    category: Code | None = None


class ItemIn(Strict):
    code: Code
    name_ru: Name
    name_en: Name
    unit: UnitOfMeasure
    category: Code | None = None
    sizes: Sizes = Field(default_factory=list)
    is_kit: bool = False
    components: Components = Field(default_factory=list)


class ItemPatch(Strict):
    name_ru: Name | None = None
    name_en: Name | None = None
    unit: UnitOfMeasure | None = None
    category: Code | None = None
    sizes: Sizes | None = None
    is_kit: bool | None = None
    components: Components | None = None
    active: bool | None = None


def item_out(item: Item) -> ItemOut:
    return ItemOut(
        id=item.id,
        code=item.code,
        name_ru=item.name_ru,
        name_en=item.name_en,
        unit=item.unit,
        category=item.category.code if item.category else None,
        sizes=list(item.sizes or []),
        is_kit=item.is_kit,
        components=[Component(code=c.component.code, quantity=c.quantity) for c in item.components],
        active=item.active,
    )


def category_for(code: str | None) -> int | None:
    if code is None:
        return None
    cat = db.session.scalar(select(Category).where(Category.code == code.upper()))
    if cat is None:
        raise Invalid(
            N_("There is no category with the code %(code)s."), field="category", code=code
        )
    return cat.id


@endpoint(
    bp,
    "/items",
    "GET",
    "List catalog items",
    query=ItemQuery,
    response=Page[ItemOut],
    tag="catalog",
)
def list_items(query: ItemQuery) -> Page[ItemOut]:
    # Deactivated items are an admin's business; everyone else sees the active catalog.
    active = {"active": True, "inactive": False, "all": None}[query.status]
    if not can_manage_catalog(api_user()):
        active = True
    stmt = services.search_items(clean_search(query.q), (query.category or "").upper(), active)
    return paginate(db.session, stmt, query, item_out)


@endpoint(bp, "/items/{item_id}", "GET", "One catalog item", response=ItemOut, tag="catalog")
def get_item(item_id: int) -> ItemOut:
    item = get_or_404(db.session, Item, item_id)
    if not item.active and not can_manage_catalog(api_user()):
        raise NotFound(N_("Not found."))
    return item_out(item)


@endpoint(
    bp,
    "/items",
    "POST",
    "Add a catalog item",
    body=ItemIn,
    response=ItemOut,
    status=201,
    roles=ADMIN,
    tag="catalog",
)
def create_item(body: ItemIn) -> ItemOut:
    fields = services.ItemFields(
        name_ru=body.name_ru,
        name_en=body.name_en,
        unit=body.unit,
        category_id=category_for(body.category),
        sizes=services.parse_sizes(body.sizes),
        is_kit=body.is_kit,
        components=[(c.code.upper(), c.quantity) for c in body.components],
    )
    item = services.create_item(db.session, api_user(), body.code, fields)
    db.session.commit()
    return item_out(item)


@endpoint(
    bp,
    "/items/{item_id}",
    "PATCH",
    "Edit a catalog item",
    body=ItemPatch,
    response=ItemOut,
    roles=ADMIN,
    tag="catalog",
)
def update_item(item_id: int, body: ItemPatch) -> ItemOut:
    item = get_or_404(db.session, Item, item_id)
    fields = services.ItemFields.of(item)
    if body.name_ru is not None:
        fields.name_ru = body.name_ru
    if body.name_en is not None:
        fields.name_en = body.name_en
    if body.unit is not None:
        fields.unit = body.unit
    if "category" in body.model_fields_set:
        fields.category_id = category_for(body.category)
    if body.sizes is not None:
        fields.sizes = services.parse_sizes(body.sizes)
    if body.is_kit is not None:
        fields.is_kit = body.is_kit
        if not body.is_kit and body.components is None:
            fields.components = []
    if body.components is not None:
        fields.components = [(c.code.upper(), c.quantity) for c in body.components]
    services.update_item(db.session, api_user(), item, None, fields)
    if body.active is not None:
        services.set_item_active(db.session, api_user(), item, body.active)
    db.session.commit()
    return item_out(item)


class CategoryOut(BaseModel):
    id: int
    code: str
    name_ru: str
    name_en: str


class CategoryQuery(PageQuery):
    q: Search | None = None


class CategoryIn(Strict):
    code: Code
    name_ru: Label
    name_en: Label


class CategoryPatch(Strict):
    name_ru: Label | None = None
    name_en: Label | None = None


def category_out(cat: Category) -> CategoryOut:
    return CategoryOut(id=cat.id, code=cat.code, name_ru=cat.name_ru, name_en=cat.name_en)


@endpoint(
    bp,
    "/categories",
    "GET",
    "List categories",
    query=CategoryQuery,
    response=Page[CategoryOut],
    tag="catalog",
)
def list_categories(query: CategoryQuery) -> Page[CategoryOut]:
    stmt = select(Category).order_by(Category.code)
    q = clean_search(query.q)
    if q:
        stmt = stmt.where(search_clause(q, Category.code, Category.name_ru, Category.name_en))
    return paginate(db.session, stmt, query, category_out)


@endpoint(
    bp, "/categories/{category_id}", "GET", "One category", response=CategoryOut, tag="catalog"
)
def get_category(category_id: int) -> CategoryOut:
    return category_out(get_or_404(db.session, Category, category_id))


@endpoint(
    bp,
    "/categories",
    "POST",
    "Add a category",
    body=CategoryIn,
    response=CategoryOut,
    status=201,
    roles=ADMIN,
    tag="catalog",
)
def create_category(body: CategoryIn) -> CategoryOut:
    cat = services.create_category(db.session, api_user(), body.code, body.name_ru, body.name_en)
    db.session.commit()
    return category_out(cat)


@endpoint(
    bp,
    "/categories/{category_id}",
    "PATCH",
    "Rename a category",
    body=CategoryPatch,
    response=CategoryOut,
    roles=ADMIN,
    tag="catalog",
)
def update_category(category_id: int, body: CategoryPatch) -> CategoryOut:
    cat = get_or_404(db.session, Category, category_id)
    services.update_category(
        db.session, api_user(), cat, None, body.name_ru or cat.name_ru, body.name_en or cat.name_en
    )
    db.session.commit()
    return category_out(cat)
