"""One mechanism for everything that moves through states: an order goes from «проект» to
«на подписи» to «подписан», a request from «подана» to «принята», a case to «заключение
выдано». A workflow declares its moves once —

    ORDER = Workflow(
        "community.order", model=Order, noun="Приказ", error=DomainError,
        moves=[
            Move(
                "send",
                sources={Status.DRAFT, Status.RETURNED},
                target=Status.SENT,
                allowed=holds_in_municipality(RoleKind.METHODIST),
                forbidden="Отправляет приказ на подпись методист муниципалитета.",
                refusal="Отправить на подпись можно проект или приказ, возвращённый на доработку.",
                action="order.send",
                notices=lambda order, actor: [Notice(directors(order), "…order.sent", …)],
            ),
            ...
        ],
    )

— and then a service runs a move inside its transaction:

    order = ORDER.start(actor, order, "send")      # locked; may the actor, from this state?
    ...the service's own checks and fields...
    ORDER.finish(actor, order, "send", fields=["sent_at"])  # target, save, audit, notify

and a page asks `ORDER.available(access, order)` which buttons to show, so that the rule for
who may do what is written once, here, not again as flags in the views.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from .access import Access, access_for
from .models import RoleKind, User
from .services import audit_record


@dataclass(frozen=True)
class Notice:
    """A notification a move sends: to whom, of which kind, what it says, where it leads."""

    recipients: Iterable[User]
    kind: str
    text: str
    link: str = ""


@dataclass(frozen=True)
class Move:
    name: str
    sources: frozenset
    target: str
    allowed: Callable[[Access, Any], bool]
    # What the user reads when the move is not theirs (who makes it); or a function of the
    # object, when the answer depends on it.
    forbidden: str | Callable[[Any], str]
    refusal: str  # what the user reads when the object is not where the move starts
    action: str  # the audit action, labelled in Russian in the journal
    notices: Callable[[Any, User], list[Notice]] | None = None
    done: str = ""  # what a move to where the object already is reads

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(self.sources))


@dataclass
class Workflow:
    key: str
    model: type[models.Model]
    noun: str  # «Приказ»: «Приказ уже подписан.»
    error: type[Exception]
    moves: list[Move]
    state: str = "status"  # the model's field that holds the state
    # Whether a move to the state the object is already in reads «Приказ уже подписан.»
    # rather than the move's refusal.
    says_already: bool = False
    by_name: dict[str, Move] = field(init=False)

    def __post_init__(self):
        self.by_name = {move.name: move for move in self.moves}
        if len(self.by_name) != len(self.moves):
            raise ValueError(f"Workflow {self.key}: two moves share a name")
        WORKFLOWS[self.key] = self

    def can(self, access: Access, obj, name: str) -> bool:
        """Whether the user may make the move now: the page shows only what this allows."""
        move = self.by_name[name]
        return getattr(obj, self.state) in move.sources and move.allowed(access, obj)

    def available(self, access: Access, obj) -> frozenset[str]:
        return frozenset(move.name for move in self.moves if self.can(access, obj, move.name))

    def start(self, actor: User | None, obj, name: str, *, queryset=None):
        """The object again, locked until the transaction ends (a second click waits for the
        first and is then refused), once the actor may make the move from its state."""
        move = self.by_name[name]
        queryset = queryset if queryset is not None else self.model.objects.all()
        obj = queryset.select_for_update().get(pk=obj.pk)
        # The state first: a second, late click reads what happened, not who may click.
        state = getattr(obj, self.state)
        if state == move.target and (move.done or self.says_already):
            raise self.error(move.done or f"{self.noun} уже {self._state_label(obj)}.")
        if state not in move.sources:
            raise self.error(
                f"{move.refusal} Сейчас {self.noun.lower()}: «{self._state_label(obj)}»."
            )
        # The portal itself (a management command, `actor` None) is not asked who it is.
        if actor is not None and not move.allowed(access_for(actor), obj):
            raise self.error(move.forbidden(obj) if callable(move.forbidden) else move.forbidden)
        return obj

    def finish(
        self, actor: User | None, obj, name: str, *, fields: Iterable[str] = (), changes=None
    ):
        """Put the object into the move's target state, save it, write the journal and send
        the move's notifications, all in the caller's transaction."""
        move = self.by_name[name]
        setattr(obj, self.state, move.target)
        obj.save(update_fields=[self.state, *fields])
        audit_record(actor=actor, action=move.action, obj=obj, changes=changes or {})
        if move.notices is not None:
            send_notices(move.notices(obj, actor), actor=actor, obj=obj)
        return obj

    def _state_label(self, obj) -> str:
        return getattr(obj, f"get_{self.state}_display")()


WORKFLOWS: dict[str, Workflow] = {}


def send_notices(notices: Iterable[Notice], *, actor: User | None, obj=None) -> None:
    from . import notifications  # it reads this module's models through its own

    for notice in notices:
        notifications.notify(
            recipients=notice.recipients,
            kind=notice.kind,
            text=notice.text,
            link=notice.link,
            obj=obj,
            actor=actor,
        )


def holds_in_municipality(kind: RoleKind) -> Callable[[Access, Any], bool]:
    """`allowed` for a move made by a role of the object's municipality."""

    def allowed(access: Access, obj) -> bool:
        return access.holds(kind, municipality=obj.municipality_id)

    return allowed


def holders(kind: RoleKind, *, municipality_id: int) -> models.QuerySet:
    """The active people holding the role in the municipality: whom a move tells."""
    return User.objects.filter(
        is_active=True, roles__kind=kind, roles__municipality_id=municipality_id
    ).distinct()
