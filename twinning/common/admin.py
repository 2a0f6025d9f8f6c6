from django.contrib import admin
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from twinning.common.models import AuditEntry, Email, Job, WorkerBeat
from twinning.common.tasks import send_email


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "target_type", "target_id", "reason")
    list_filter = ("action",)
    search_fields = ("action", "reason", "actor__email")
    list_select_related = ("actor", "target_type")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """The background queue: what waits, what runs, what failed and why; failed jobs can be tried again."""

    list_display = ("pk", "name", "status", "attempts", "max_attempts", "run_at", "locked_by", "finished_at")
    list_filter = ("status", "name")
    search_fields = ("name", "key", "last_error")
    readonly_fields = [f.name for f in Job._meta.fields]
    actions = ["try_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Try the selected failed jobs again"))
    def try_again(self, request, queryset):
        count = queryset.filter(status=Job.Status.FAILED).update(
            status=Job.Status.QUEUED, attempts=0, run_at=timezone.now(), locked_by="", locked_until=None
        )
        self.message_user(request, _("%(count)d job(s) queued again.") % {"count": count})


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """Outgoing e-mail: sent, waiting (with the last error) or failed for good; failed ones can be sent again."""

    list_display = ("created_at", "subject", "recipients", "status", "attempts", "sent_at", "last_error")
    list_filter = ("status",)
    search_fields = ("subject", "to", "message_id")
    readonly_fields = [f.name for f in Email._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("to"))
    def recipients(self, email):
        return ", ".join(email.to)

    @admin.action(description=_("Send the selected failed e-mails again"))
    def send_again(self, request, queryset):
        count = 0
        for email in queryset.filter(status=Email.Status.FAILED):
            with transaction.atomic():
                if Email.objects.filter(pk=email.pk, status=Email.Status.FAILED).update(status=Email.Status.QUEUED):
                    send_email.enqueue(email_id=email.pk)
                    count += 1
        self.message_user(request, _("%(count)d e-mail(s) queued again.") % {"count": count})


@admin.register(WorkerBeat)
class WorkerBeatAdmin(admin.ModelAdmin):
    list_display = ("name", "hostname", "pid", "started_at", "seen_at")
    readonly_fields = ("name", "hostname", "pid", "started_at", "seen_at")

    def has_add_permission(self, request):
        return False
