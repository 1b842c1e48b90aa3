import json
from pathlib import Path

from django.db import transaction

from locality.models import Area, District, Team

REFERENCE_FILE = Path(__file__).parent / "data" / "reference.json"


@transaction.atomic
def reference_data_load(*, path: Path = REFERENCE_FILE) -> dict[str, int]:
    """Create any missing area, district or team from the reference file.

    Existing rows are left as they are: once loaded, administrators maintain them in the app,
    and running setup again must not undo their changes.
    """
    data = json.loads(path.read_text())
    created = {"areas": 0, "districts": 0, "teams": 0}
    areas = {}
    for row in data["areas"]:
        areas[row["code"]], was_created = Area.objects.get_or_create(
            code=row["code"], defaults={"name": row["name"]}
        )
        created["areas"] += was_created
    districts = {}
    for row in data["districts"]:
        districts[row["ons_code"]], was_created = District.objects.get_or_create(
            ons_code=row["ons_code"], defaults={"name": row["name"], "area": areas[row["area"]]}
        )
        created["districts"] += was_created
    for row in data["teams"]:
        team, was_created = Team.objects.get_or_create(
            slug=row["slug"],
            defaults={
                "name": row["name"],
                "team_type": row["team_type"],
                "serves": row["serves"],
                "phone": row["phone"],
                "email": row.get("email", ""),
                "inbox_email": row.get("inbox_email", ""),
                "district": districts.get(row.get("district")),
            },
        )
        if was_created:
            team.areas.set([areas[code] for code in row.get("areas", [])])
        created["teams"] += was_created
    return created
