"""A run of a statutory return: what was asked for, how far it has got, the file it made and the
validation report (docs/returns.md)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class ReturnKind(models.TextChoices):
    CIN_CENSUS = "CIN_CENSUS", "Children in need census (XML)"
    ANNEX_A = "ANNEX_A", "Ofsted Annex A lists 1 to 7 (spreadsheet)"


class RunStatus(models.TextChoices):
    QUEUED = "QUEUED", "Waiting to start"
    RUNNING = "RUNNING", "Running"
    DONE = "DONE", "Finished"
    FAILED = "FAILED", "Failed"


FINISHED = [RunStatus.DONE, RunStatus.FAILED]


class ReturnRun(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=12, choices=ReturnKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    stage = models.CharField(max_length=200, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The file itself is kept in the database, with its SHA-256 (docs/returns.md says why).
    filename = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    # What the run counted per module (children, referrals, assessments, S47s, plans...).
    counts = models.JSONField(default=dict, blank=True)
    # The DfE rule set used and what it found: {"rule_set", "rules", "errors": [...], ...}.
    report = models.JSONField(default=dict, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="return_run_done_has_file",
                condition=~Q(status="DONE") | ~Q(sha256=""),
            ),
            models.CheckConstraint(
                name="return_run_period_ordered",
                condition=Q(period_start__lte=models.F("period_end")),
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} {self.period_start:%d/%m/%Y} to {self.period_end:%d/%m/%Y}"
        )

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0
