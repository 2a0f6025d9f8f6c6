"""Form fields that every app uses.

Reference data (countries, languages, subjects, themes…) is offered by its name in the reader's
language, in the alphabetical order of those names. A text that people write in several languages
(a twinning's title, a community's description…) is one `TranslatedTextField`: an input per language
of the site, cleaned into the ``{code: text}`` dict the models keep.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.template.loader import render_to_string
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from twinning.common import reference
from twinning.common.i18n import direction, language_codes, language_name

# The pupils' ages a profile, an activity or a search can be about.
AGE_CHOICES = [(age, str(age)) for age in range(2, 26)]


def _whole_table(queryset) -> bool:
    """Whether a choice field offers every row of a model kept in memory (`common.reference`)."""
    query = queryset.query
    return (
        reference.kept(queryset.model)
        and not query.has_filters()
        and not query.is_sliced
        and not query.order_by
        and not query.extra_order_by
        and not getattr(queryset, "_prefetch_related_lookups", ())
    )


class ByNameInReadersLanguage(ModelChoiceIterator):
    """Reference data in alphabetical order of the names the reader sees, not of its codes.

    A field offering a whole table kept in memory (countries, languages, subjects, objectives) lists
    the rows kept (`common.reference.choices`): no query, and sorted once per language."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if _whole_table(self.queryset):
            for obj, _name in reference.choices(self.queryset.model):
                yield self.choice(obj)
            return
        for obj in sorted(self.queryset, key=lambda obj: obj.name.casefold()):
            yield self.choice(obj)

    def __len__(self):
        if _whole_table(self.queryset):
            return len(reference.rows(self.queryset.model)) + (1 if self.field.empty_label is not None else 0)
        return super().__len__()


def _shown(value) -> str:
    """A value as ``{{ value }}`` writes it in a template: localised, escaped unless already safe."""
    return conditional_escape(localize(value))


def _formatted(value) -> str:
    """A value as ``{{ value|stringformat:'s' }}`` writes it: safe input stays unescaped."""
    text = "%s" % value  # noqa: UP031 - the filter's own formatting, kept to the letter
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``, in Python."""
    return "".join(
        f" {_shown(name)}" if value is True else f' {_shown(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """A drop-down list drawn in Python: the very markup of Django's templates (``select.html`` with
    ``select_option.html`` per choice), without a template include per choice.

    Search and profile forms list forty countries, all languages and all subjects on every view, and
    the includes cost more than the rest of those pages' forms. A subclass that names other templates
    is drawn by them as usual.
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        if (self.template_name, self.option_template_name) != (
            forms.Select.template_name,
            forms.Select.option_template_name,
        ):
            return super().render(name, value, attrs, renderer)
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
            parts.extend(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_shown(option['label'])}</option>\n"
                for option in group_choices
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")  # the renderer strips the template's last line break
        # Every value above went through the same escaping as the templates' {{ }}.
        return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703


def field_html(field: forms.BoundField) -> SafeString:
    """``common/field.html`` for `field`, written in Python when it is drawn as a label and its input (a
    drop-down list, a text box): a search's filters are five of them on every view, and the template's
    include cost more than the fields themselves. A group of choices or a translated text is drawn by the
    template (a test holds the two equal)."""
    widget = field.field.widget
    if (
        getattr(widget, "input_type", None) in ("checkbox", "radio")
        or getattr(widget, "translated", False)
        or (getattr(widget, "grouped", False))
    ):
        return render_to_string("common/field.html", {"field": field})
    errors = field.errors
    help_text = ""
    if field.help_text:
        help_text = f'<p class="help" id="{_shown(field.auto_id)}_helptext">{_shown(field.help_text)}</p>'

    shown_errors = ""
    if errors:
        each = "".join(f'<p class="error">{_shown(error)}</p>' for error in errors)
        shown_errors = f'<div id="{_shown(field.auto_id)}_error">{each}</div>'
    # Every value went through the templates' own escaping (the label and the input are Django's safe markup).
    return mark_safe(  # noqa: S308  # nosec B308, B703
        f'<div class="field{" field-error" if errors else ""}">\n  \n    {_shown(field.label_tag())}\n'
        f"    {_shown(field)}\n  \n  {help_text}\n  {shown_errors}\n</div>\n"
    )


class LocalizedModelChoiceField(forms.ModelChoiceField):
    """One row of reference data, shown by its name in the reader's language (the model's ``name``)."""

    iterator = ByNameInReadersLanguage
    widget = PlainSelect

    def label_from_instance(self, obj):
        return obj.name


class LocalizedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several rows of reference data, shown by their names in the reader's language."""

    iterator = ByNameInReadersLanguage

    def label_from_instance(self, obj):
        return obj.name


class TranslatedTextWidget(forms.MultiWidget):
    """One input per language, each named ``<field>_<code>`` and marked with its ``lang`` and ``dir``.

    Rendered by ``common/widgets/translated_text.html``: each input under the language's name in the
    reader's language; one-line inputs side by side, longer texts one under the other.
    """

    template_name = "common/widgets/translated_text.html"
    translated = True  # common/field.html renders the field as a group with a legend

    def __init__(self, codes, *, rows: int | None = None, max_length: int | None = None, attrs=None):
        self.codes, self.rows, self.max_length = tuple(codes), rows, max_length
        super().__init__({code: self._input(code) for code in self.codes}, attrs)

    def _input(self, code: str) -> forms.Widget:
        attrs = {"lang": code, "dir": direction(code)}
        if self.max_length is not None:
            attrs["maxlength"] = str(self.max_length)
        return forms.Textarea(attrs={"rows": self.rows, **attrs}) if self.rows else forms.TextInput(attrs=attrs)

    def decompress(self, value):
        value = value or {}
        return [value.get(code, "") for code in self.codes]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        own_id = context["widget"]["attrs"].get("id")
        for code, subwidget in zip(self.codes, context["widget"]["subwidgets"], strict=True):
            if own_id:
                subwidget["attrs"]["id"] = f"{own_id}_{code}"  # id_title_en, as the input's name says
            subwidget["language_name"] = language_name(code)
        context["widget"]["multiline"] = bool(self.rows)
        return context


class TranslatedTextField(forms.MultiValueField):
    """A text written in each of the site's languages (``settings.LANGUAGES``), cleaned into ``{code: text}``.

    Only the languages written are in the dict, each text stripped. ``required`` (the default) asks for
    the text in at least one language; ``require_default`` asks for it in the main language
    (``settings.LANGUAGE_CODE``). ``rows`` makes each input a text area of that many rows. The inputs are
    ``<name>_<code>``, so what a browser posts (``title_en``, ``title_he``…) names its language.

    The languages are read when a form is made, not when it is declared: a language added to the
    settings is offered by every form at once.
    """

    default_error_messages = {
        "required": _("Write it in at least one language."),
        "required_default": _("It is needed in the main language of the site: %(language)s."),
    }

    def __init__(self, *, max_length: int | None = None, rows: int | None = None, require_default=False, **kwargs):
        self.max_length, self.rows, self.require_default = max_length, rows, require_default
        if require_default:
            kwargs["required"] = True
        codes = language_codes()
        super().__init__(
            fields=self._fields(codes),
            widget=TranslatedTextWidget(codes, rows=rows, max_length=max_length),
            require_all_fields=False,
            **kwargs,
        )

    def _fields(self, codes) -> tuple[forms.CharField, ...]:
        # Each language's own checks (its length); the main language's input is marked required when it is.
        return tuple(
            forms.CharField(
                max_length=self.max_length, required=self.require_default and code == settings.LANGUAGE_CODE
            )
            for code in codes
        )

    def __deepcopy__(self, memo):
        copied = super().__deepcopy__(memo)
        codes = language_codes()
        if copied.widget.codes != codes:  # the settings' languages changed since the form was declared
            copied.fields = self._fields(codes)
            copied.widget = TranslatedTextWidget(
                codes, rows=self.rows, max_length=self.max_length, attrs=copied.widget.attrs
            )
        return copied

    def clean(self, value):
        if not isinstance(value, list | tuple):  # a disabled field gives its initial dict
            value = self.widget.decompress(value if isinstance(value, dict) else None)
        texts, errors = {}, []
        for code, field, raw in zip(self.widget.codes, self.fields, value, strict=False):
            try:
                text = field.to_python(raw)
                if text not in field.empty_values:
                    field.run_validators(text)
                    texts[code] = text
            except ValidationError as error:
                errors += [f"{language_name(code)}: {message}" for message in error.messages]
        if errors:
            raise ValidationError(errors)
        main = settings.LANGUAGE_CODE
        if self.require_default and main in self.widget.codes and main not in texts:
            raise ValidationError(
                self.error_messages["required_default"],
                code="required_default",
                params={"language": language_name(main)},
            )
        if self.required and not texts:
            raise ValidationError(self.error_messages["required"], code="required")
        self.run_validators(texts)
        return texts


class MailChoicesForm(forms.Form):
    """One choice per kind of notification the person may change, listed under its app's heading."""

    def __init__(self, *args, kinds: list, current: dict[str, str], **kwargs):
        from twinning.common.mail_choices import FREQUENCIES  # here: mail_choices imports the models

        super().__init__(*args, **kwargs)
        self.groups: list[tuple[str, list]] = []
        by_group: dict[str, list] = {}
        for kind, label, group in kinds:
            self.fields[kind] = forms.ChoiceField(label=label, choices=FREQUENCIES, initial=current.get(kind))
            by_group.setdefault(str(group), []).append(kind)
        self.groups = [(group, [self[kind] for kind in names]) for group, names in by_group.items()]
