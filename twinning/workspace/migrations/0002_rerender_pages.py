"""Every stored page's HTML made again with the stricter cleaning (images only by the exact
address of one of the twinning's published photos; no `//host` links)."""

from django.db import migrations


def rerender(apps, schema_editor):
    from twinning.workspace.pages import render

    Page = apps.get_model("workspace", "Page")
    MediaItem = apps.get_model("workspace", "MediaItem")
    photos: dict[int, set[int]] = {}
    for pk, twinning_id in MediaItem.objects.filter(kind="photo", status="published").values_list("pk", "twinning_id"):
        photos.setdefault(twinning_id, set()).add(pk)
    for page in Page.objects.all().iterator():
        html = render(page.source, twinning_id=page.twinning_id, photo_ids=photos.get(page.twinning_id, set()))
        if html != page.html:
            Page.objects.filter(pk=page.pk).update(html=html)


class Migration(migrations.Migration):
    dependencies = [("workspace", "0001_initial")]

    operations = [migrations.RunPython(rerender, migrations.RunPython.noop)]
