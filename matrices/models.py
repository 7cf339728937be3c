"""Reference data of the method: ZRM domain sets, domains and levels, and the placemat.

A `Matrix` is the compensation matrix a network works with: the domains of one domain set
as rows and its own ordered `Column`s (from own strength to formal care) as columns.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Localised(models.Model):
    """A name in Dutch (the working language) with an English translation."""

    name = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.name_en and (get_language() or "nl").startswith("en"):
            return self.name_en
        return self.name


class Level(Localised):
    """A ZRM level, 1 (acute problems) to 5 (fully self-sufficient)."""

    score = models.PositiveSmallIntegerField(_("score"), unique=True)

    class Meta:
        ordering = ["score"]
        verbose_name = _("ZRM level")
        verbose_name_plural = _("ZRM levels")

    def __str__(self) -> str:
        return f"{self.score} – {self.label}"


class DomainSet(Localised):
    key = models.SlugField(_("key"), unique=True)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("ZRM domain set")
        verbose_name_plural = _("ZRM domain sets")


class Domain(Localised):
    domain_set = models.ForeignKey(DomainSet, on_delete=models.CASCADE, related_name="domains")
    key = models.SlugField(_("key"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["domain_set", "order"]
        constraints = [
            models.UniqueConstraint(fields=["domain_set", "key"], name="unique_domain_key")
        ]
        verbose_name = _("ZRM domain")
        verbose_name_plural = _("ZRM domains")


class Matrix(models.Model):
    """A compensation matrix: a domain set × ordered columns. Presets are copied per network."""

    name = models.CharField(_("name"), max_length=120)
    domain_set = models.ForeignKey(
        DomainSet, verbose_name=_("domain set"), on_delete=models.PROTECT, related_name="+"
    )
    preset_key = models.SlugField(
        _("preset key"),
        blank=True,
        help_text=_("Set on the method's presets; empty on a network's own matrix."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("compensation matrix")
        verbose_name_plural = _("compensation matrices")

    def __str__(self) -> str:
        return self.name


class Column(Localised):
    """One step of the kanteling; `formality` ranks it from own strength (0) to formal care."""

    matrix = models.ForeignKey(Matrix, on_delete=models.CASCADE, related_name="columns")
    key = models.SlugField(_("key"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    formality = models.PositiveSmallIntegerField(
        _("formality"), help_text=_("0 = own strength … 3 = formal care")
    )
    hint = models.CharField(_("hint"), max_length=200, blank=True)

    class Meta:
        ordering = ["matrix", "order"]
        constraints = [models.UniqueConstraint(fields=["matrix", "key"], name="unique_column_key")]
        verbose_name = _("column")
        verbose_name_plural = _("columns")
