from datetime import date

from django.db import transaction

from accounts.models import User
from accounts.personas import Persona
from locality.models import Team, TeamMembership


@transaction.atomic
def persona_user_ensure(*, persona: Persona, password: str, start_date: date) -> User:
    """Create (or reset) the account for a demo or test persona, with its team membership."""
    user, _ = User.objects.update_or_create(
        username=persona.username,
        defaults={
            "first_name": persona.first_name,
            "last_name": persona.last_name,
            "email": f"{persona.username}@example.org",
            "role": persona.role,
            "job_title": persona.job_title,
            "is_staff": persona.is_staff,
            "is_superuser": persona.is_superuser,
            "is_active": True,
            "social_work_england_number": persona.social_work_england_number,
        },
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    if persona.team_slug:
        TeamMembership.objects.get_or_create(
            user=user,
            team=Team.objects.get(slug=persona.team_slug),
            defaults={"role_in_team": persona.role_in_team, "start_date": start_date},
        )
    return user
