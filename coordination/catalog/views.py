"""Catalog pages: everyone signed in may browse; admins edit items and categories."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from coordination.catalog import services
from coordination.catalog.access import can_manage_catalog
from coordination.catalog.forms import UNIT_LABELS, CategoryForm, ItemForm, category_choices
from coordination.catalog.models import Category, Item, KitComponent, UnitOfMeasure
from coordination.db import db
from coordination.kernel.actors import Role
from coordination.kernel.errors import Conflict, DomainError
from coordination.kernel.ids import get_or_404
from coordination.kernel.paging import paged
from coordination.kernel.text import clean_search
from coordination.web.access import roles_required
from coordination.web.forms import ConfirmForm
from coordination.web.pages import CodedNamePages, actor, list_args, show_error
from coordination.web.ui import current_locale

bp = Blueprint("catalog", __name__, url_prefix="/catalog")

Page = str | tuple[str, int] | BaseResponse
CATEGORY_PAGES = CodedNamePages(
    CategoryForm, "catalog/category_form.html", "catalog.categories", "category"
)


@bp.route("/")
@login_required
def items() -> str:
    args = list_args()
    manager = can_manage_catalog(actor())
    category = clean_search(request.args.get("category"))[:32]
    active = args.active if manager else True  # deactivated items are an admin's business
    stmt = services.search_items(args.q, category, active)
    rows, page, pages, total = paged(db.session, stmt, args.page, args.per_page)
    return render_template(
        "catalog/items.html",
        items=rows,
        page=page,
        pages=pages,
        total=total,
        args=args,
        category=category,
        url_args=args.url_args(category=category or None),
        units=UNIT_LABELS,
        categories=db.session.scalars(select(Category).order_by(Category.code)).all(),
        manager=manager,
    )


@bp.route("/items/<int:item_id>")
@login_required
def view_item(item_id: int) -> str:
    item = get_or_404(db.session, Item, item_id)
    manager = can_manage_catalog(actor())
    if not item.active and not manager:
        abort(404)
    used_in = db.session.scalars(
        select(Item)
        .join(KitComponent, KitComponent.kit_id == Item.id)
        .where(KitComponent.component_id == item.id)
    ).all()
    return render_template(
        "catalog/item.html",
        item=item,
        units=UNIT_LABELS,
        used_in=used_in,
        manager=manager,
        confirm_form=ConfirmForm(),
    )


def _item_form(item: Item | None = None, fresh: bool = False) -> ItemForm:
    """fresh: ignore what was posted and show what is saved (after a conflict)."""
    form = ItemForm(formdata=None, obj=item) if fresh else ItemForm(obj=item)
    form.category_id.choices = category_choices(db.session, current_locale(), _("— none —"))
    if item is not None:
        form.code.data = item.code  # the code is what the ledger refers to; it never changes
        if fresh or not form.is_submitted():
            form.unit.data = item.unit.value
            form.category_id.data = item.category_id or 0
            form.sizes.data = ", ".join(item.sizes or [])
            form.components.data = services.format_components(item)
            form.stamp.data = services.item_stamp(item)
    return form


def _item_fields(form: ItemForm) -> services.ItemFields:
    return services.ItemFields(
        name_ru=form.name_ru.data or "",
        name_en=form.name_en.data or "",
        unit=UnitOfMeasure(form.unit.data),
        category_id=form.category_id.data or None,
        sizes=services.parse_sizes(form.sizes.data),
        is_kit=bool(form.is_kit.data),
        components=services.parse_components(form.components.data),
    )


@bp.route("/items/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_item() -> Page:
    form = _item_form()
    if form.validate_on_submit():
        try:
            item = services.create_item(
                db.session, actor(), form.code.data or "", _item_fields(form)
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Item added to the catalog."), "success")
            return redirect(url_for("catalog.view_item", item_id=item.id))
    status = 400 if form.is_submitted() else 200
    return render_template("catalog/item_form.html", form=form, item=None), status


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_item(item_id: int) -> Page:
    item = get_or_404(db.session, Item, item_id)
    form = _item_form(item)
    if form.validate_on_submit():
        try:
            services.update_item(
                db.session, actor(), item, form.stamp.data or "", _item_fields(form)
            )
        except Conflict as exc:
            db.session.rollback()
            show_error(None, exc)
            form = _item_form(get_or_404(db.session, Item, item_id), fresh=True)
            return render_template("catalog/item_form.html", form=form, item=item), 409
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
            item = get_or_404(db.session, Item, item_id)
        else:
            db.session.commit()
            flash(_("Item saved."), "success")
            return redirect(url_for("catalog.view_item", item_id=item.id))
    status = 400 if form.is_submitted() else 200
    return render_template("catalog/item_form.html", form=form, item=item), status


@bp.route("/items/<int:item_id>/<any(deactivate, reactivate):action>", methods=["POST"])
@roles_required(Role.ADMIN)
def set_item_active(item_id: int, action: str) -> BaseResponse:
    item = get_or_404(db.session, Item, item_id)
    if ConfirmForm().validate_on_submit():
        services.set_item_active(db.session, actor(), item, action == "reactivate")
        db.session.commit()
        flash(
            _("Item reactivated.") if action == "reactivate" else _("Item deactivated."), "success"
        )
    return redirect(url_for("catalog.view_item", item_id=item.id))


@bp.route("/categories")
@roles_required(Role.ADMIN)
def categories() -> str:
    rows = db.session.scalars(select(Category).order_by(Category.code)).all()
    return render_template("catalog/categories.html", categories=rows)


@bp.route("/categories/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_category() -> Page:
    return CATEGORY_PAGES.new(services.create_category, _("Category added."))


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_category(category_id: int) -> Page:
    cat = get_or_404(db.session, Category, category_id)
    return CATEGORY_PAGES.edit(
        cat, services.update_category, services.category_stamp, _("Category saved.")
    )
