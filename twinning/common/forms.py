"""Form fields that every app uses.

Reference data (countries, languages, subjects, themes…) is offered by its name in the reader's
language, in the alphabetical order of those names.
"""

from django import forms
from django.forms.models import ModelChoiceIterator

# The pupils' ages a profile, an activity or a search can be about.
AGE_CHOICES = [(age, str(age)) for age in range(2, 26)]


class ByNameInReadersLanguage(ModelChoiceIterator):
    """Reference data in alphabetical order of the names the reader sees, not of its codes."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in sorted(self.queryset, key=lambda obj: obj.name.casefold()):
            yield self.choice(obj)


class LocalizedModelChoiceField(forms.ModelChoiceField):
    """One row of reference data, shown by its name in the reader's language (the model's ``name``)."""

    iterator = ByNameInReadersLanguage

    def label_from_instance(self, obj):
        return obj.name


class LocalizedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several rows of reference data, shown by their names in the reader's language."""

    iterator = ByNameInReadersLanguage

    def label_from_instance(self, obj):
        return obj.name
