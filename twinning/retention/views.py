from dataclasses import dataclass
from datetime import date, timedelta

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from twinning.common.privacy import Erase, entry_for
from twinning.common.school_year import FIRST_MONTH, school_year_label
from twinning.retention import queries, rules, services
from twinning.retention.forms import PolicyForm
from twinning.retention.models import RetentionPolicy

PAGE_SIZE = 50


def _year_ends_on() -> date:
    """The last day of a school year (any year: the page shows its day and month)."""
    return date(2001, FIRST_MONTH, 1) - timedelta(days=1)


def defaults(request):
    """The default retention policy in plain words, for anyone; links to the reader's NSOs' own."""
    context = {
        "policy": services.DEFAULTS,
        "year_ends_on": _year_ends_on(),
        "nsos": rules.nsos_in_scope_of(request.user),
        "programmes": rules.programmes_in_scope_of(request.user),
    }
    return render(request, "retention/defaults.html", context)


@login_required
def policy(request, slug: str):
    """An NSO's retention policy in plain words, for everyone in its scope."""
    nso = rules.get_nso_for_reader(request.user, slug)
    row = queries.policy_row_for_nso(nso)
    context = {
        "nso": nso,
        "row": row,
        "policy": services.Policy.of(row),
        "audit_years": services.audit_years(),
        "year_ends_on": _year_ends_on(),
        "may_change": rules.may_change_policy(request.user, nso),
    }
    return render(request, "retention/policy.html", context)


@login_required
def edit(request, slug: str):
    """NSO staff change their NSO's periods; each change is audited with what it was and is now."""
    nso = rules.get_nso_for_policy_editor(request.user, slug)
    instance = queries.policy_row_for_nso(nso) or RetentionPolicy(nso=nso)
    form = PolicyForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.set_policy(nso=nso, by=request.user, values=form.cleaned_data)
        messages.success(request, _("The retention policy is saved. The next nightly run applies it."))
        return redirect("retention:policy", slug=nso.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "retention/edit.html", {"nso": nso, "form": form}, status=status)


@dataclass(frozen=True)
class Line:
    kind: str
    action: str
    count: int


def _lines(counts) -> list[Line]:
    """The counts of a run in the reader's language, in the register's order."""
    lines = []
    for label, count in counts.items():
        if label == services.REFUSED:
            lines.append(Line(_("Pupils"), _("kept for now: a copy of their data waits to be downloaded"), count))
            continue
        entry = entry_for(apps.get_model(label))
        if entry is None:
            continue
        if label == "accounts.Pupil":
            action = _("removed, with everything of theirs")
        elif entry.erase is Erase.ANONYMISE:
            action = _("emptied of who and what")
        else:
            action = _("removed, with their files")
        lines.append(Line(entry.kind, action, count))
    return lines


def _dry_run_context(request, outcome: services.Outcome, key, runs: list) -> dict:
    twinning_ids = sorted(outcome.twinnings.get(key, set()))
    pupil_ids = sorted(outcome.pupils.get(key, set()))
    # Pages of ids the dry run already holds in memory (sorted above): no query to page, so Paginator serves.
    twinnings_page = Paginator(twinning_ids, PAGE_SIZE).get_page(request.GET.get("twinnings"))
    pupils_page = Paginator(pupil_ids, PAGE_SIZE).get_page(request.GET.get("pupils"))
    return {
        "mine": _lines(outcome.counts.get(key, {})),
        "network": _lines(outcome.counts.get(services.NETWORK, {})),
        "twinnings_page": twinnings_page,
        "twinnings": [
            (twinning, school_year_label(twinning.school_year))
            for twinning in queries.twinnings_by_ids(list(twinnings_page.object_list))
        ],
        "pupils_page": pupils_page,
        "pupils": queries.pupils_by_ids(list(pupils_page.object_list)),
        "runs": runs,
    }


@login_required
def dry_run(request, slug: str):
    """What the next nightly run will do for this NSO, computed as the run computes it, writing
    nothing: counts per kind of row and the twinnings and pupils concerned; and the last runs."""
    nso = rules.get_nso_for_dry_run(request.user, slug)
    outcome = services.apply_policies(dry_run=True, nso=nso, collect=True)
    runs = [
        (
            run,
            _lines(run.counts.get("nso", {}).get(str(nso.pk), {})),
            _lines(run.counts.get("nso", {}).get(services.NETWORK, {})),
        )
        for run in queries.recent_runs()
    ]
    context = _dry_run_context(request, outcome, nso.pk, runs)
    context["nso"] = nso
    return render(request, "retention/dry_run.html", context)


# --- Programmes ----------------------------------------------------------------------------------


@login_required
def programme_policy(request, slug: str):
    """A programme's retention policy in plain words, for everyone in the programme; when it set
    none, its twinnings follow each school's NSO's."""
    programme = rules.get_programme_for_reader(request.user, slug)
    row = queries.policy_row_for_programme(programme)
    context = {
        "programme": programme,
        "row": row,
        "policy": services.Policy.of(row),
        "audit_years": services.audit_years(),
        "year_ends_on": _year_ends_on(),
        "may_change": rules.may_change_programme_policy(request.user, programme),
    }
    return render(request, "retention/programme_policy.html", context)


@login_required
def programme_edit(request, slug: str):
    """A programme's administrators set its own periods, which then override its NSOs' for its
    twinnings; each change is audited with what it was and is now."""
    programme = rules.get_programme_for_policy_editor(request.user, slug)
    instance = queries.policy_row_for_programme(programme) or RetentionPolicy(programme=programme)
    form = PolicyForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.set_policy(programme=programme, by=request.user, values=form.cleaned_data)
        messages.success(request, _("The retention policy is saved. The next nightly run applies it."))
        return redirect("retention:programme_policy", slug=programme.slug)
    status = 400 if request.method == "POST" else 200
    return render(request, "retention/programme_edit.html", {"programme": programme, "form": form}, status=status)


@login_required
def programme_dry_run(request, slug: str):
    """What the next nightly run will do to the programme's twinnings, in every country, computed as
    the run computes it and writing nothing; and the last runs."""
    programme = rules.get_programme_for_dry_run(request.user, slug)
    outcome = services.apply_policies(dry_run=True, programme=programme, collect=True)
    runs = [
        (
            run,
            _lines(run.counts.get("programme", {}).get(str(programme.pk), {})),
            _lines(run.counts.get("nso", {}).get(services.NETWORK, {})),
        )
        for run in queries.recent_runs()
    ]
    context = _dry_run_context(request, outcome, services.programme_key(programme.pk), runs)
    context["programme"] = programme
    context["has_policy"] = queries.policy_row_for_programme(programme) is not None
    return render(request, "retention/dry_run.html", context)
