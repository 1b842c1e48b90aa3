from audit.models import AccessLog


def access_log_search(*, username="", person_id=None, date_from=None, date_to=None):
    rows = AccessLog.objects.select_related("user")
    if username:
        rows = rows.filter(user__username__iexact=username)
    if person_id:
        rows = rows.filter(person_id=person_id)
    if date_from:
        rows = rows.filter(at__date__gte=date_from)
    if date_to:
        rows = rows.filter(at__date__lt=date_to)
    return rows.order_by("-at")
