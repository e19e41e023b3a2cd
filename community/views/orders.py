from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tutoring import documents
from tutoring.access import access_for, require, role_required
from tutoring.models import Document, RoleKind
from tutoring.once import once
from tutoring.refusals import attempt
from tutoring.selectors import object_history
from tutoring.views import paginate

from .. import selectors
from ..filters import OrderFilter
from ..forms.orders import AppendixForm, ApproveForm, OrderForm, ReturnForm
from ..models import Appendix
from ..services import orders as services

READERS = (RoleKind.METHODIST, RoleKind.DIRECTOR, RoleKind.REGIONAL)


@role_required(*READERS)
def order_list(request):
    access = access_for(request.user)
    orders = selectors.orders_for(access).order_by("-date", "-created_at", "-pk")
    filterset = OrderFilter(request.GET, queryset=orders)
    return render(
        request,
        "community/orders/list.html",
        {
            "filter": filterset,
            "page": paginate(request, filterset.qs),
            "can_create": access.has(RoleKind.METHODIST),
        },
    )


def _defaults(municipality):
    """A new order is issued by the issuing organization and signed by its head now; the
    place is the last signed order's, as it rarely changes."""
    initial = {"heading": "Об утверждении состава муниципального сообщества тьюторов"}
    initial |= services.issuer_defaults(municipality)
    last = selectors.last_signed_order(municipality)
    if last is not None:
        initial["place"] = last.place
    return initial


def _form_page(request, form, municipality, order=None):
    """The order's form, with a word when the issuer has no head to sign."""
    issuer = municipality.issuer
    return render(
        request,
        "community/orders/form.html",
        {
            "form": form,
            "order": order,
            "issuer": issuer,
            "issuer_has_head": issuer is not None and issuer.head_on() is not None,
        },
    )


@role_required(RoleKind.METHODIST)
@once("Проект приказа уже создан: вот он.")
def order_create(request):
    municipality = access_for(request.user).roles_of(RoleKind.METHODIST)[0].municipality
    form = OrderForm(
        request.POST or None, municipality=municipality, initial=_defaults(municipality)
    )
    if request.method == "POST" and form.is_valid():
        order = services.order_create(
            actor=request.user, municipality=municipality, **form.cleaned_data
        )
        messages.success(
            request, "Проект приказа создан. Добавьте приложения и отправьте его на подпись."
        )
        return redirect(order)
    return _form_page(request, form, municipality)


def _order(request, pk):
    return get_object_or_404(selectors.orders_for(access_for(request.user)), pk=pk)


def _methodist_order(request, pk):
    order = _order(request, pk)
    require(access_for(request.user).holds(RoleKind.METHODIST, municipality=order.municipality_id))
    return order


@role_required(*READERS)
def order_detail(request, pk, approve_form=None, return_form=None):
    access = access_for(request.user)
    order = _order(request, pk)
    is_methodist = access.holds(RoleKind.METHODIST, municipality=order.municipality_id)
    document = Document.objects.filter(
        kind=services.ORDER_DOCUMENT, object_id=str(order.pk)
    ).first()
    return render(
        request,
        "community/orders/detail.html",
        {
            "order": order,
            "appendices": selectors.order_appendices(order),
            "can_edit": is_methodist and order.is_editable,
            "moves": services.ORDER.available(access, order),
            "can_amend": is_methodist and order.is_signed,
            "approve_form": approve_form or ApproveForm(),
            "return_form": return_form or ReturnForm(),
            "document": document
            if document and documents.document_visible(access, document)
            else None,
            "history": object_history(order, document),
            "amendments": order.amendments.all(),
        },
        status=400 if approve_form is not None or return_form is not None else 200,
    )


@role_required(RoleKind.METHODIST)
def order_update(request, pk):
    order = _methodist_order(request, pk)
    if not order.is_editable:
        messages.error(request, services.LOCKED[order.status])
        return redirect(order)
    form = OrderForm(request.POST or None, instance=order, municipality=order.municipality)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.order_update,
            form=form,
            order=order,
            success="Проект приказа сохранён.",
            **form.cleaned_data,
        )
        if done:
            return redirect(order)
    return _form_page(request, form, order.municipality, order)


@role_required(RoleKind.METHODIST)
@once("Приложение уже добавлено.")
def appendix_create(request, pk):
    order = _methodist_order(request, pk)
    form = AppendixForm(request.POST or None, municipality=order.municipality)
    if request.method == "POST" and form.is_valid():
        done = attempt(
            request,
            services.appendix_add,
            form=form,
            order=order,
            success=lambda appendix: f"Приложение № {appendix.number} добавлено.",
            **form.cleaned_data,
        )
        if done:
            return redirect(order)
    return render(request, "community/orders/appendix_form.html", {"form": form, "order": order})


@require_POST
@role_required(RoleKind.METHODIST)
def appendix_preview(request, pk):
    """The text as it will be printed, rendered by the same markup as the signed appendix;
    nothing is saved. htmx asks for the fragment; without scripts the form page comes back
    with the preview under it."""
    order = _methodist_order(request, pk)
    text = request.POST.get("text", "")
    if request.headers.get("HX-Request"):
        return render(request, "community/orders/partials/markup_preview.html", {"text": text})
    form = AppendixForm(request.POST, municipality=order.municipality)
    return render(
        request,
        "community/orders/appendix_form.html",
        {"form": form, "order": order, "preview": text},
    )


@require_POST
@role_required(RoleKind.METHODIST)
def appendix_delete(request, pk):
    access = access_for(request.user)
    appendix = get_object_or_404(
        Appendix.objects.select_related("order"), pk=pk, order__in=selectors.orders_for(access)
    )
    require(access.holds(RoleKind.METHODIST, municipality=appendix.order.municipality_id))
    attempt(
        request,
        services.appendix_remove,
        appendix=appendix,
        success=f"Приложение № {appendix.number} удалено.",
    )
    return redirect(appendix.order)


def _director_order(request, pk):
    order = _order(request, pk)
    require(access_for(request.user).holds(RoleKind.DIRECTOR, municipality=order.municipality_id))
    return order


@require_POST
@role_required(RoleKind.METHODIST)
def order_send(request, pk):
    order = _methodist_order(request, pk)
    attempt(
        request,
        services.order_send,
        success="Приказ отправлен на подпись руководителю.",
        order=order,
    )
    return redirect(order)


@require_POST
@role_required(RoleKind.DIRECTOR)
def order_return(request, pk):
    order = _director_order(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return order_detail(request, pk, return_form=form)
    attempt(
        request,
        services.order_return,
        success="Приказ возвращён на доработку; методист увидит комментарий.",
        order=order,
        **form.cleaned_data,
    )
    return redirect(order)


@role_required(RoleKind.DIRECTOR)
def order_sign(request, pk):
    """«Подписать…»: what is about to be signed, the number and the date, before the POST
    that signs it."""
    order = _director_order(request, pk)
    form = ApproveForm(request.GET)
    if not form.is_valid():
        return order_detail(request, pk, approve_form=form)
    if not services.ORDER.can(access_for(request.user), order, "approve"):
        messages.error(request, f"Приказ не на подписи: он {order.get_status_display()}.")
        return redirect(order)
    appendices = selectors.order_appendices(order)
    return render(
        request,
        "community/orders/sign.html",
        {
            "order": order,
            "form": form,
            "appendices": appendices,
            "rosters": [a.roster for a in appendices if a.roster and a.roster.is_ready],
        },
    )


@require_POST
@role_required(RoleKind.DIRECTOR)
def order_approve(request, pk):
    order = _director_order(request, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return order_detail(request, pk, approve_form=form)
    attempt(
        request,
        services.order_approve,
        order=order,
        success="Приказ подписан. PDF формируется и появится на этой странице.",
        **form.cleaned_data,
    )
    return redirect(order)


@require_POST
@role_required(RoleKind.METHODIST)
def order_amend(request, pk):
    order = _methodist_order(request, pk)
    done = attempt(
        request,
        services.order_amend,
        order=order,
        success="Создан проект изменяющего приказа. Добавьте новую редакцию приложения.",
    )
    return redirect(done.value if done else order)


@require_POST
@role_required(RoleKind.METHODIST, RoleKind.DIRECTOR)
def order_print(request, pk):
    """Ask for the PDF again, e.g. after a failed rendering; a ready PDF is never redone."""
    order = _order(request, pk)
    access = access_for(request.user)
    require(
        access.holds(RoleKind.METHODIST, municipality=order.municipality_id)
        or access.holds(RoleKind.DIRECTOR, municipality=order.municipality_id)
    )
    if not order.is_signed:
        messages.error(request, "Печатается только подписанный приказ.")
    else:
        documents.document_request(kind=services.ORDER_DOCUMENT, obj=order, actor=request.user)
        messages.success(request, "PDF формируется.")
    return redirect(order)
