"""A form field written in Python (`common.forms.field_html`) is what `common/field.html` writes."""

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation

from twinning.common.forms import field_html
from twinning.matching.forms import RequestForm, SearchForm
from twinning.schools.models import Programme

pytestmark = pytest.mark.django_db


class Plain(forms.Form):
    name = forms.CharField(label='Name <& "quotes">', help_text="Your <b>name</b> & more", max_length=5)
    count = forms.IntegerField(label="How many", required=False)
    agree = forms.BooleanField(label="I agree", required=False)
    kinds = forms.MultipleChoiceField(
        label="Kinds", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple, required=False
    )


def _forms(cast):
    programmes = [Programme.objects.create(slug="p-one", names={"en": "One <programme>", "he": "תוכנית"})]
    return [
        SearchForm(programmes=programmes),
        SearchForm({"country": "IL", "age": "12", "programme": str(programmes[0].pk)}, programmes=programmes),
        SearchForm({"country": "ZZ", "age": "not an age", "language": "xx"}, programmes=programmes),
        RequestForm(),
        RequestForm({"message": "x" * 2001}),
        Plain(),
        Plain({"name": "far too long <b>", "count": "many", "agree": "on", "kinds": ["z"]}),
    ]


@pytest.mark.parametrize("language", ["en", "he", "ar"])
def test_field_html_writes_what_the_template_writes(cast, language):
    with translation.override(language):
        for form in _forms(cast):
            form.is_bound and form.is_valid()
            for name in form.fields:
                assert field_html(form[name]) == render_to_string("common/field.html", {"field": form[name]}), name


def test_search_page_draws_its_filters_as_the_template_would(client, cast):
    from twinning.matching.tests.conftest import make_profile
    from twinning.testing import as_

    make_profile(cast.school_a, languages={"he": 3, "en": 2})
    response = as_(client, cast.teacher_a.user).get("/matching/search/?country=ZZ&age=12")
    html = response.content.decode()
    form = response.context["form"]
    for name in ("country", "age", "language", "theme"):
        assert str(render_to_string("common/field.html", {"field": form[name]})) in html
    assert 'class="field field-error"' in html
