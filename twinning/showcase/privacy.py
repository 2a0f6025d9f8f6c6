"""Personal data held by the showcase, declared in the privacy register (`common.privacy`).

A story names no pupil (refused when written and approved); it names its writer and deciders only
by links. A story's photo shows pupils whose families agreed to public use: it is removed when that
consent is withdrawn, and goes with the workspace photo it is (the programme's retention of pupils'
work removes that photo, a pupil's erasure too)."""

from django.utils.translation import gettext_lazy as _

from twinning.common.privacy import AS_RECORD, NOT_THEIRS, Basis, Erase, Retention, entries_for, register

PURPOSE = _("The programme's public page: stories of finished twinnings, written by their teachers.")
PHOTOS = _("Photos on the programme's public page, of pupils whose families agreed to it.")

_story = entries_for(PURPOSE)
_photo = entries_for(
    PHOTOS,
    basis=Basis.CONSENT,
    retention=Retention(
        _(
            "While the story is published and the family's consent to the public page holds: withdrawing it "
            "removes the photo at once. The photo also goes when the workspace's photo is removed."
        )
    ),
)

register(
    _story(
        "showcase.Story",
        ("twinning", "title", "body", "language", "status", "written_at", "feedback", "published_at"),
        retention=AS_RECORD,
        links=("written_by", "decided_by", "removed_by"),
        erase=Erase.KEEP,
        keep_reason=NOT_THEIRS,
        export=False,
        label=_("Stories of twinnings"),
    ),
    _photo(
        "showcase.StoryPhoto",
        ("story", "media", "position"),
        subject=("media__pupils__user",),
        label=_("Photos on the public page"),
    ),
)
