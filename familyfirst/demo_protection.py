"""The demo's child protection work (docs/protection.md): after ``demo_cases_ensure``, MACPT
North's allocated immediate-protection case has had its strategy discussion, which started a
joint Section 47 enquiry, so ``leon.lcpp`` and ``megan.macpt`` see a queue with its clocks."""

from datetime import timedelta

from django.utils import timezone

from protection.models import Section47Enquiry, StrategyDiscussion, StrategyStatus
from protection.services import strategy_discussion_record


def demo_protection_ensure() -> int:
    """Hold the first waiting strategy discussion on an allocated MACPT case; 0 once done."""
    if Section47Enquiry.objects.exists():
        return 0
    discussion = (
        StrategyDiscussion.objects.filter(
            status=StrategyStatus.DUE,
            case__team__team_type="MACPT",
            case__allocated_to__isnull=False,
        )
        .select_related("case__allocated_to")
        .order_by("created_at")
        .first()
    )
    if discussion is None:
        return 0
    strategy_discussion_record(
        discussion=discussion,
        by=discussion.case.allocated_to,
        held_at=max(timezone.now() - timedelta(minutes=30), discussion.created_at),
        attendees=[
            ("POLICE", "DC Sam Reed, child abuse investigation", True),
            ("HEALTH", "School nurse", True),
            ("EDUCATION", "Designated safeguarding lead", True),
        ],
        information=[("POLICE", "A previous call-out to the address for a domestic incident")],
        decision="S47_JOINT",
        safety_actions="The child stays with a grandparent while the enquiry is made",
    )
    return 1
