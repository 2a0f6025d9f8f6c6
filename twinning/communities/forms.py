from django import forms
from django.utils.translation import gettext_lazy as _

from twinning.common.forms import LocalizedModelChoiceField, LocalizedModelMultipleChoiceField, TranslatedTextField
from twinning.communities.models import Community, Theme
from twinning.communities.services import About
from twinning.schools.models import Country, Subject


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=100)
    subject = LocalizedModelChoiceField(
        label=_("Subject"), queryset=Subject.objects.all(), required=False, empty_label=_("Any subject")
    )
    theme = LocalizedModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.all(), required=False, empty_label=_("Any theme")
    )
    country = LocalizedModelChoiceField(
        label=_("Country"), queryset=Country.objects.all(), required=False, empty_label=_("Any country")
    )
    access = forms.ChoiceField(
        label=_("Who can join"), required=False, choices=[("", _("Open or by invitation")), *Community.Access.choices]
    )
    archived = forms.BooleanField(label=_("Show archived communities too"), required=False)

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "text": data.get("q") or "",
            "subject": data["subject"].pk if data.get("subject") else "",
            "theme": data["theme"].pk if data.get("theme") else "",
            "country": data["country"].pk if data.get("country") else "",
            "access": data.get("access") or "",
            "archived": bool(data.get("archived")),
        }


class AboutForm(forms.Form):
    """A name and a description in any of the site's languages (a name in at least one), and the focus."""

    name = TranslatedTextField(
        label=_("Name"),
        max_length=200,
        error_messages={"required": _("Give the community a name in at least one language.")},
    )
    description = TranslatedTextField(label=_("Description"), max_length=4000, rows=3, required=False)
    subject = LocalizedModelChoiceField(
        label=_("Subject"), queryset=Subject.objects.all(), required=False, empty_label=_("No particular subject")
    )
    theme = LocalizedModelChoiceField(
        label=_("Theme"), queryset=Theme.objects.all(), required=False, empty_label=_("No particular theme")
    )
    countries = LocalizedModelMultipleChoiceField(
        label=_("Region"),
        queryset=Country.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The countries it gathers teachers from, if it is a regional community."),
    )
    access = forms.ChoiceField(
        label=_("Who can join"),
        choices=[
            (Community.Access.OPEN, _("Open: every teacher of the network can join at once")),
            (Community.Access.INVITATION, _("By invitation: moderators invite teachers or accept their requests")),
        ],
        widget=forms.RadioSelect,
        initial=Community.Access.OPEN,
    )

    def clean(self):
        data = super().clean()
        if not (data.get("subject") or data.get("theme") or data.get("countries")):
            self.add_error(None, _("Say what the community gathers around: a subject, a theme or a region."))
        return data

    def about(self) -> About:
        data = self.cleaned_data
        return About(
            names=data["name"],
            descriptions=data["description"],
            subject=data.get("subject"),
            theme=data.get("theme"),
            countries=list(data.get("countries") or []),
            access=data["access"],
        )

    @classmethod
    def initial_for(cls, community: Community) -> dict:
        return {
            "name": community.names,
            "description": community.descriptions,
            "subject": community.subject_id,
            "theme": community.theme_id,
            "countries": list(community.countries.values_list("pk", flat=True)),
            "access": community.access,
        }


MARKDOWN_HELP = _("Markdown: **bold**, *italic*, - a list, > a quotation, [a link](https://…).")


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"}))
    body = forms.CharField(
        label=_("Message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        help_text=MARKDOWN_HELP,
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
        help_text=MARKDOWN_HELP,
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is hidden"),
        max_length=500,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        help_text=_("The author reads this."),
    )


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A document or a picture (PDF, Word, PowerPoint, Excel, OpenDocument, JPEG, PNG). Photos lose their "
            "location and camera details."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"}))
    description = forms.CharField(
        label=_("What it is"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )


class LinkForm(forms.Form):
    # A plain text field: the service says why an address is refused, in one clear sentence.
    url = forms.CharField(
        label=_("Web address"),
        max_length=1000,
        widget=forms.TextInput(attrs={"dir": "ltr", "inputmode": "url", "placeholder": "https://"}),
    )
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"}))
    description = forms.CharField(
        label=_("What it is"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )


class RequestForm(forms.Form):
    message = forms.CharField(
        label=_("A word for the moderators"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
        help_text=_("Optional: who you are and why you would like to join."),
    )


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Their e-mail address"), widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "off"})
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is not approved"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto"}),
    )


class FolderForm(forms.Form):
    name = forms.CharField(
        label=_("Folder's name"),
        max_length=120,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        error_messages={"required": _("A folder needs a name.")},
    )


class FolderChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ResourceInFolderForm(forms.Form):
    """Where one resource goes: a folder of its community, or none."""

    folder = FolderChoice(
        label=_("Folder"),
        queryset=None,
        required=False,
        empty_label=_("Not in a folder"),
        error_messages={"invalid_choice": _("Choose one of this community's folders.")},
    )

    def __init__(self, *args, folders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["folder"].queryset = folders
