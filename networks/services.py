"""Writes about networks: a new network and the placemat preset it works with."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from matrices.models import Matrix
from matrices.services import copy_matrix

from .models import Network


def presets():
    """The method's placemats a network can start from (never edited in place)."""
    return Matrix.objects.exclude(preset_key="").order_by("name")


@transaction.atomic
def create_network(*, name: str, preset: Matrix, district: str = "", **fields) -> Network:
    """A network with its own copy of `preset`: its columns are its own to rename."""
    if not preset.preset_key:
        raise ValidationError(_("Pick one of the method's placemats."))
    matrix = copy_matrix(preset=preset, name=name)
    return Network.objects.create(name=name, district=district, matrix=matrix, **fields)


@transaction.atomic
def switch_preset(*, network: Network, preset: Matrix) -> Network:
    """Start the network over on another preset: a fresh copy; the old copy goes.

    Refused once tips stand in the old copy's columns (what was said in a meeting is not
    rewritten): then the network renames or reorders its own columns instead. Organisations
    keep their usual column where the new placemat has one with the same key.
    """
    if not preset.preset_key:
        raise ValidationError(_("Pick one of the method's placemats."))
    old = network.matrix
    new = copy_matrix(preset=preset, name=network.name)
    by_key = {column.key: column for column in new.columns.all()}
    for organisation in network.organisations.select_related("usual_column"):
        if organisation.usual_column is not None:
            organisation.usual_column = by_key.get(organisation.usual_column.key)
            organisation.save(update_fields=["usual_column"])
    network.matrix = new
    network.save(update_fields=["matrix"])
    try:
        with transaction.atomic():
            old.delete()
    except ProtectedError:
        raise ValidationError(
            _(
                "Tips of this network already stand in its placemat's columns: rename or "
                "reorder those columns instead of switching to another placemat."
            )
        ) from None
    return network
