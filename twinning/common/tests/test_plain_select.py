"""The drop-down list drawn in Python writes exactly what Django's select templates write."""

import pytest
from django import forms
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from twinning.common.forms import AGE_CHOICES, LocalizedModelChoiceField, PlainSelect
from twinning.schools.models import Country

CHOICES = [
    ("", "Any country"),
    ("IL", "ישראל"),
    ("PS", "فلسطين"),
    ("x&y", 'Tom & "Jerry" <b>'),
    ("safe", mark_safe("<i>kept</i>")),
    ("lazy", gettext_lazy("Any language")),
    (7, 7),
]
GROUPED = [("Europe", [("FR", "France"), ("DE", "Deutschland")]), ("Asia", [("JP", "日本")]), ("", "None")]


@pytest.mark.parametrize("choices", [CHOICES, GROUPED, AGE_CHOICES, []], ids=["flat", "grouped", "ages", "empty"])
@pytest.mark.parametrize("value", [None, "", "IL", "x&y", 7, ["FR", "JP"]])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_country", "required": True, "disabled": False, "data-x": 'a"b'}], ids=["bare", "attrs"]
)
def test_plain_select_writes_what_the_templates_write(choices, value, attrs):
    ours = PlainSelect(choices=choices, attrs={"class": "wide"})
    django = forms.Select(choices=choices, attrs={"class": "wide"})

    assert ours.render("country", value, attrs) == django.render("country", value, attrs)


def test_plain_select_in_hebrew_names_and_order_like_the_templates(db):
    class Form(forms.Form):
        country = LocalizedModelChoiceField(queryset=Country.objects.all(), empty_label="—")

    with translation.override("he"):
        form = Form(initial={"country": Country.objects.order_by("code").first()})
        shown = str(form["country"])
        form.fields["country"].widget = forms.Select(choices=form.fields["country"].choices)
        assert shown == str(form["country"])
    assert shown.count("<option") == Country.objects.count() + 1


def test_plain_select_subclass_with_its_own_template_is_drawn_by_it():
    class Other(PlainSelect):
        option_template_name = "django/forms/widgets/select_option.html"
        template_name = "django/forms/widgets/select.html"

    class Radio(PlainSelect):
        input_type = "radio"
        template_name = "django/forms/widgets/radio.html"
        option_template_name = "django/forms/widgets/radio_option.html"

    assert Other(choices=CHOICES).render("c", "IL") == forms.Select(choices=CHOICES).render("c", "IL")
    assert 'type="radio"' in Radio(choices=CHOICES).render("c", "IL")
