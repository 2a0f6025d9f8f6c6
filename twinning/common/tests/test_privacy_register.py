"""The privacy register covers every model: a new model holding personal data fails here until its
app declares it in `<app>/privacy.py` (see docs/recipes.md, "Adding a model that holds personal data")."""

from django.apps import apps
from django.conf import settings
from django.db import models

from twinning.common import privacy

PEOPLE = (settings.AUTH_USER_MODEL, "accounts.Pupil")


def _people_links(model) -> list:
    """Fields of the model that point at a person: FK, one-to-one or many-to-many to an account or a pupil."""
    return [
        f
        for f in model._meta.get_fields()
        if f.is_relation
        and (f.concrete or f.many_to_many)
        and not f.auto_created
        and f.model is model
        and f.related_model is not None
        and f.related_model._meta.label in PEOPLE
    ]


def _looks_personal(model) -> list[str]:
    """Why a model seems to hold personal data (empty: it does not)."""
    why = [f"{f.name} links to a person" for f in _people_links(model)]
    for f in model._meta.concrete_fields:
        if isinstance(f, models.EmailField) or (
            isinstance(f, models.CharField) and ("name" in f.name or "email" in f.name)
        ):
            why.append(f"{f.name} looks like a name or an address")
        elif isinstance(f, models.TextField):
            why.append(f"{f.name} is free text")
        elif isinstance(f, models.FileField):
            why.append(f"{f.name} is a stored file")
    return why


def _concrete_models():
    return [m for m in apps.get_models() if not m._meta.abstract and not m._meta.proxy]


def test_every_model_holding_personal_data_is_declared():
    declared = {entry.model for entry in privacy.entries()} | set(privacy.declared_not_personal())
    missing = {
        m._meta.label: _looks_personal(m)
        for m in _concrete_models()
        if m._meta.label not in declared and _looks_personal(m)
    }
    assert missing == {}, "Declare these models in their app's privacy.py: " + repr(missing)


def test_the_walk_sees_what_it_should():
    # The check itself can fail: a pupil, a post and a media item look personal, a country does not.
    assert _looks_personal(apps.get_model("accounts", "Pupil"))
    assert _looks_personal(apps.get_model("workspace", "MediaItem"))
    assert _looks_personal(apps.get_model("schools", "Country")) == []


def test_no_model_is_declared_twice_or_both_ways():
    labels = [entry.model for entry in privacy.entries()]
    assert len(labels) == len(set(labels))
    assert set(labels) & set(privacy.declared_not_personal()) == set()


def test_every_declared_field_and_lookup_exists():
    for entry in privacy.entries():
        model = entry.model_class
        for name in (*entry.fields, *entry.derived):
            field = model._meta.get_field(name)
            assert field.concrete and not field.many_to_many, (entry.model, name)
        for lookup in entry.subject:
            str(model._default_manager.filter(**{lookup: 1}).query)  # raises FieldError when wrong
        for link in entry.links:
            field = model._meta.get_field(link)
            assert field.null and field.related_model._meta.label in PEOPLE, (entry.model, link)
        if entry.retention.days is not None:
            assert isinstance(model._meta.get_field(entry.retention.since), models.DateField | models.DateTimeField)
        assert str(entry.purpose) and str(entry.retention.words)


def test_every_link_to_a_person_says_what_erasure_does_to_it():
    for entry in privacy.entries():
        named = {lookup.split("__")[0] for lookup in (*entry.subject, *entry.links)}
        for field in _people_links(entry.model_class):
            assert field.name in named, f"{entry.model}.{field.name}: put it in subject or links"


def test_anonymised_rows_keep_a_link_that_can_be_emptied():
    for entry in privacy.entries():
        if entry.erase is privacy.Erase.ANONYMISE and entry.erase_with is None:
            for lookup in entry.subject:
                field = entry.model_class._meta.get_field(lookup)
                assert "__" not in lookup and field.null, (entry.model, lookup)
        if entry.erase is privacy.Erase.KEEP:
            assert str(entry.keep_reason)


def test_every_declared_kind_of_row_has_a_translated_name():
    # The notice and the confirmation page name each kind of row in the reader's language.
    for entry in privacy.entries():
        meta = entry.model_class._meta
        assert entry.label or "verbose_name_plural" in meta.original_attrs, entry.model
