from django.conf import settings
from django.db import models


class IdempotentRequest(models.Model):
    """An API create sent with an `Idempotency-Key` header, and what it made: a repeat with the
    same key gets the first result back instead of making it again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    endpoint = models.CharField(max_length=200, help_text="The method and path it was sent to")
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the request body")
    status_code = models.PositiveSmallIntegerField(null=True)
    record_id = models.CharField(max_length=64, blank=True, help_text="What the create made")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "idempotent API request"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotent_request_user_key")
        ]

    def __str__(self):
        return f"{self.endpoint} {self.key}"
