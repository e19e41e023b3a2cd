import logging

from celery import shared_task
from django.utils import timezone

from ..errors import DomainError
from ..models import DirectoryImport, Invitation, User
from ..services import people

logger = logging.getLogger(__name__)


@shared_task
def send_import_invitations(import_id: int, actor_id: int | None) -> int:
    """Invite the people a staff list added. Safe to run twice: whoever already has an open
    invitation or a password is skipped. Each invitation is its own transaction, so a worker
    stopped half-way leaves the sent ones sent."""
    from .services import invitees

    batch = DirectoryImport.objects.filter(pk=import_id).first()
    if batch is None:
        return 0
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    sent = 0
    for person in invitees(batch).iterator(chunk_size=500):
        if Invitation.objects.filter(
            user=person,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).exists():
            continue
        try:
            people.invitation_send(actor=actor, person=person)
        except DomainError as error:
            logger.info("Import %s: %s not invited: %s", import_id, person.pk, error)
            continue
        sent += 1
    return sent
