"""The shared form templates tie each error to its field and list every error in the summary."""

import lxml.html
from django import forms
from django.template.loader import render_to_string


class Example(forms.Form):
    name = forms.CharField(label="School name", help_text="As on the sign at the gate.")
    subjects = forms.MultipleChoiceField(
        label="Subjects", choices=[("art", "Art"), ("music", "Music")], widget=forms.CheckboxSelectMultiple
    )
    countries = forms.MultipleChoiceField(
        label="Countries", choices=[("IL", "Israel"), ("GB", "United Kingdom")], widget=forms.SelectMultiple
    )
    week = forms.ChoiceField(
        label="School week", choices=[("a", "Mon–Fri"), ("b", "Sun–Thu")], widget=forms.RadioSelect
    )


def rendered(form: forms.Form) -> lxml.html.HtmlElement:
    parts = [render_to_string("common/form_errors.html", {"form": form})]
    parts += [render_to_string("common/field.html", {"field": field}) for field in form]
    return lxml.html.fromstring(f"<div>{''.join(parts)}</div>")


def described_by(element: lxml.html.HtmlElement) -> set[str]:
    return set(element.get("aria-describedby", "").split())


def test_a_text_input_with_an_error_points_at_its_help_and_its_error():
    page = rendered(Example(data={}))
    name = page.get_element_by_id("id_name")
    assert name.get("aria-invalid") == "true"
    assert described_by(name) == {"id_name_helptext", "id_name_error"}
    assert "required" in page.get_element_by_id("id_name_error").text_content()


def test_a_group_of_choices_ties_its_error_to_the_group():
    page = rendered(Example(data={}))
    for name in ("subjects", "week"):
        group = page.get_element_by_id(f"id_{name}_group")
        assert group.tag == "fieldset" and group.get("aria-invalid") == "true"
        assert f"id_{name}_error" in described_by(group)
        assert page.get_element_by_id(f"id_{name}_error") is not None


def test_a_multiple_select_has_a_label_of_its_own():
    page = rendered(Example(data={}))
    select = page.get_element_by_id("id_countries")
    assert page.xpath("//label[@for='id_countries']")[0].text_content().startswith("Countries")
    assert not select.xpath("ancestor::fieldset")


def test_ids_are_unique_even_with_several_errors_on_a_field():
    form = Example(data={"name": "x"})
    form.add_error("name", "Too short.")
    form.add_error("name", "Use Latin letters.")
    ids = rendered(form).xpath("//@id")
    assert len(ids) == len(set(ids))


def test_the_summary_links_every_field_in_error_to_an_element_of_the_page():
    page = rendered(Example(data={}))
    summary = page.xpath("//*[@data-error-summary]")[0]
    assert summary.get("tabindex") == "-1"
    links = {a.text_content(): a.get("href") for a in summary.xpath(".//a")}
    assert set(links) == {"School name", "Subjects", "Countries", "School week"}
    for href in links.values():
        assert page.get_element_by_id(href.removeprefix("#")) is not None


def test_no_summary_when_the_form_is_fine():
    form = Example(data={"name": "Reali", "subjects": ["art"], "countries": ["IL"], "week": "a"})
    assert form.is_valid()
    assert not rendered(form).xpath("//*[@data-error-summary]")
