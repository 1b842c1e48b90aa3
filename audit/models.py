import uuid

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an access-log row."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError(f"{self.model._meta.verbose_name} rows cannot be changed")

    def delete(self):
        raise AppendOnlyError(f"{self.model._meta.verbose_name} rows cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError(f"{self.model._meta.verbose_name} rows cannot be changed")


class AppendOnlyModel(models.Model):
    """A record written once and never changed or removed through the application: logs that
    auditors rely on (who saw a record, what was shared with whom), and records kept as written
    (a case's chronology and notes: a correction is a new row)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name} rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.verbose_name} rows cannot be deleted")


class HashChainedModel(AppendOnlyModel):
    """An append-only log whose rows are also on a hash chain (the access and sharing logs).

    On PostgreSQL a trigger fills in the three chain fields as the row is inserted (audit/chain.py),
    over the values of the model's HASHED_FIELDS, and `manage.py audit_verify` names the first row
    changed or removed since. Adding a field to a chained model means adding it to HASHED_FIELDS
    and a migration re-running audit.triggers.hash_chain with the longer list.
    """

    HASHED_FIELDS: tuple[str, ...] = ()

    chain_seq = models.BigIntegerField(
        null=True, unique=True, editable=False, help_text="The row's place in the hash chain"
    )
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    row_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class AccessAction(models.TextChoices):
    VIEW = "VIEW", "Viewed"
    SEARCH = "SEARCH", "Searched"
    EXPORT = "EXPORT", "Exported"
    CHANGE = "CHANGE", "Changed"


class AccessLog(HashChainedModel):
    """Who looked at which child's record, when and from where. Written once, never changed.

    Ids of people and records are kept as values, not foreign keys, so a merge or a deletion
    elsewhere can never rewrite or remove the history of who saw what. On PostgreSQL a trigger
    also refuses UPDATE and DELETE from any client.
    """

    HASHED_FIELDS = (
        "id",
        "at",
        "user",
        "role",
        "team_slugs",
        "action",
        "record_type",
        "record_id",
        "person_id",
        "view_name",
        "request_id",
        "reason",
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32)
    team_slugs = models.CharField(
        max_length=400, blank=True, help_text="The user's teams at the time"
    )
    action = models.CharField(max_length=12, choices=AccessAction.choices)
    record_type = models.CharField(max_length=40)
    record_id = models.CharField(max_length=64, blank=True)
    person_id = models.UUIDField(null=True, blank=True, db_index=True)
    view_name = models.CharField(max_length=120)
    request_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        verbose_name = "access log"
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "-at"], name="accesslog_user_at")]

    def __str__(self):
        return f"{self.user_id} {self.action} {self.record_type} {self.record_id} at {self.at:%Y-%m-%d %H:%M}"
