"""The portal's one piece of state: which generation of public pages is current."""

from __future__ import annotations

from django.db import models


class PublicationGeneration(models.Model):
    """One row whose ``value`` grows in the same transaction as every publication, withdrawal or
    correction: the shared copies of public pages are kept per value (docs/web.md#portal-cache).
    In the database rather than a cache so that it changes exactly when the publication commits,
    for every server process on every machine."""

    value = models.PositiveBigIntegerField("公开代次", default=0)

    class Meta:
        verbose_name = "公开代次"
        verbose_name_plural = "公开代次"

    def __str__(self) -> str:
        return f"公开代次 {self.value}"
