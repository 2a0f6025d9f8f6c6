"""The showcase's forms: a programme's public page, a twinning's story, a coordinator's reason."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from twinning.common.forms import TranslatedTextField
from twinning.showcase import colours


class PublicPageForm(forms.Form):
    descriptions = TranslatedTextField(
        label=_("What the programme is, for schools and families who do not know it yet"),
        max_length=3000,
        rows=5,
        required=False,
    )
    accent_colour = forms.CharField(
        label=_("Accent colour"),
        max_length=7,
        required=False,
        help_text=_(
            "Written as # and six hexadecimal digits, such as #0b5c8c. It must be dark enough to read on the "
            "page and under white text (contrast at least 4.5:1)."
        ),
        widget=forms.TextInput(attrs={"dir": "ltr", "size": 8, "autocomplete": "off"}),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("A photo or picture file (PNG, JPEG, WebP). Its metadata are removed."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    public = forms.BooleanField(
        label=_("The page is published: anyone can read it, without signing in"), required=False
    )

    def clean_accent_colour(self):
        colour = self.cleaned_data["accent_colour"].strip()
        if colour and colours.normalise(colour) is None:
            raise forms.ValidationError(_("Write the colour as # and six hexadecimal digits, such as #0b5c8c."))
        return colour


class PhotoChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.title or _("Photo %(number)s") % {"number": obj.pk}


class StoryForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=150)
    body = forms.CharField(
        label=_("The story"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What the classes did together and what they learned. Never a pupil's name."),
    )
    language = forms.ChoiceField(label=_("Language of the story"), choices=settings.LANGUAGES)
    photos = PhotoChoice(
        label=_("Photos from the workspace"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only photos in which every pupil's family agreed to the public page can be chosen."),
    )
    everyone_tagged = forms.BooleanField(
        label=_("Every pupil who can be seen in the chosen photos is tagged in them."), required=False
    )

    def __init__(self, *args, photos, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photos"].queryset = photos


class RejectForm(forms.Form):
    feedback = forms.CharField(
        label=_("Why not (the teachers read it)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
