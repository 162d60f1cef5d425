"""Keep each practice's search document in step with what it is found by.

A practice is found by its own text and by the names of its city, country, lead
organisation, partners, themes and tags, so a change to any of those refreshes the
practices concerned. The refresh runs after the transaction commits (and not at all
if it rolls back); an admin save with M2M changes refreshes a few times, a few queries
each. Bulk writers (the synthetic seeder) bypass signals and refresh once at the end.
A practice about to be deleted leaves PostgreSQL's lexeme store first, inside the
delete's transaction (its vectors go by cascade, which the store would not see).
"""

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.dispatch import receiver
from taggit.models import TaggedItem

from cities.models import City, Country, Organisation
from sources.loader import is_loading
from sources.versioning import in_bulk_write

from . import search_lexemes
from .models import Practice, Theme
from .search_documents import refresh_search_documents


def _schedule(ids):
    if is_loading():
        # The loader refreshes once, at the end, what a save here would refresh per record.
        return
    ids = set(ids)
    if ids:
        transaction.on_commit(lambda: refresh_search_documents(ids))


@receiver(post_save, sender=Practice)
def practice_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields and set(update_fields) <= {"search_document"}):
        return
    _schedule([instance.pk])


@receiver(pre_delete, sender=Practice)
def practice_deleting(sender, instance, **kwargs):
    # Bulk writers (the loader, the seeder) rebuild the lexeme store instead.
    if not in_bulk_write():
        search_lexemes.forget([instance.pk])


@receiver(m2m_changed, sender=Practice.themes.through)
@receiver(m2m_changed, sender=Practice.partners.through)
@receiver(m2m_changed, sender=TaggedItem)
def practice_links_changed(sender, instance, action, reverse, pk_set, model, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if isinstance(instance, Practice):
        _schedule([instance.pk])
    elif model is Practice and pk_set:
        _schedule(pk_set)


@receiver(post_save, sender=City)
def city_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(instance.practices.values_list("pk", flat=True))


@receiver(post_save, sender=Country)
def country_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(Practice.objects.filter(city__country=instance).values_list("pk", flat=True))


@receiver(post_save, sender=Organisation)
def organisation_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(
            Practice.objects.filter(
                Q(lead_organisation=instance) | Q(partners=instance)
            ).values_list("pk", flat=True)
        )


@receiver(post_save, sender=Theme)
def theme_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(instance.practices.values_list("pk", flat=True))
