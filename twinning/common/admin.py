from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from twinning.common.audit import recorded_actions
from twinning.common.keyset import AFTER, BEFORE, keyset_page
from twinning.common.models import AuditEntry, Email, Job, WorkerBeat
from twinning.common.tasks import send_email


class KeysetChangeList(ChangeList):
    """An admin list paged by key (`common.keyset`), with "previous" and "next" links and nothing counted: Django's
    list counts every row that passes the filters (twice, unfiltered) to number its pages, and reads a deep page by
    OFFSET, both as long as the table. The admin's `keyset_keys` order the list, and it is not sorted otherwise."""

    def get_filters_params(self, params=None):
        lookups = super().get_filters_params(params)
        for cursor in (AFTER, BEFORE):
            lookups.pop(cursor, None)
        return lookups

    def get_results(self, request):
        page = keyset_page(request, self.queryset, keys=self.model_admin.keyset_keys, size=self.list_per_page)
        self.keyset = page
        self.result_list = page.object_list
        # Only the page's own rows are known: the templates say nothing of a total (the search form shows a count
        # only when the two differ, and the pagination is the keyset's own, `admin/common/keyset_pagination.html`).
        self.result_count = self.full_result_count = len(page.object_list)
        self.show_full_result_count = False
        self.show_admin_actions = bool(page.object_list)
        self.can_show_all = False
        self.multi_page = page.has_other_pages()
        self.paginator = None


class ActionFilter(admin.SimpleListFilter):
    """The actions the log holds, found through their index rather than by a DISTINCT of every entry."""

    title = gettext_lazy("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return [(action, action) for action in recorded_actions()]

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "target_type", "target_id", "reason")
    list_filter = (ActionFilter,)
    search_fields = ("action", "reason", "actor__email")
    list_select_related = ("actor", "target_type")
    # Newest first, paged by key (`KeysetChangeList`), through the index `audit_log_order` (of one action:
    # `audit_log_by_action`); no other sort, which no index would serve.
    keyset_keys = ("-at", "-pk")
    sortable_by = ()
    show_facets = admin.ShowFacets.NEVER  # a count per action, of every entry
    actions = None

    def get_changelist(self, request, **kwargs):
        return KeysetChangeList

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
