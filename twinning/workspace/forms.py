from django import forms
from django.utils.translation import gettext_lazy as _


class ThreadForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"}))
    body = forms.CharField(
        label=_("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"})
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"})
    )
    quote = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PupilChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.shown_name


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A photo, a video or audio clip, a document or a text. Photos are shared without their location and "
            "camera details."
        ),
    )
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, widget=forms.TextInput(attrs={"dir": "auto"})
    )
    pupils = PupilChoice(
        label=_("Pupils who can be seen or heard in it"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Their families' consent is checked before the file is shared."),
    )

    album = forms.ModelChoiceField(
        label=_("Album"),
        queryset=None,
        required=False,
        empty_label=_("Not in an album"),
        error_messages={"invalid_choice": _("Choose one of this twinning's albums.")},
    )

    def __init__(self, *args, pupils, albums=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = pupils
        # Only those who arrange the albums choose one; for anyone else the field is not there.
        if albums is None:
            del self.fields["album"]
        else:
            self.fields["album"].queryset = albums
            self.fields["album"].label_from_instance = lambda album: album.name


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name or obj.username or obj.email


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Activity"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"}))
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    due_on = forms.DateField(label=_("Due by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    owner = PersonChoice(label=_("Looked after by"), queryset=None, required=False, empty_label=_("Nobody yet"))
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"})
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("due_on") and data["due_on"] < data["starts_on"]:
            self.add_error("due_on", _("The activity cannot be due before it starts."))
        return data


class PageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"dir": "auto"}))
    source = forms.CharField(
        label=_("Text"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 16, "dir": "auto"}),
        help_text=_(
            "Markdown: **bold**, *italic*, ## a heading, - a list, [a link](https://…). "
            "A shared photo: ![caption](media:NUMBER), the number shown under it in the gallery."
        ),
    )


class AlbumForm(forms.Form):
    name = forms.CharField(
        label=_("Album's name"),
        max_length=120,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        error_messages={"required": _("An album needs a name.")},
    )


class AlbumChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class FileInAlbumForm(forms.Form):
    """Where one shared file goes: an album of its twinning, or none."""

    album = AlbumChoice(
        label=_("Album"),
        queryset=None,
        required=False,
        empty_label=_("Not in an album"),
        error_messages={"invalid_choice": _("Choose one of this twinning's albums.")},
    )

    def __init__(self, *args, albums, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["album"].queryset = albums
