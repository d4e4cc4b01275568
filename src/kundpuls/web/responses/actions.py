"""Storing a response (validated against its survey version, atomically, exactly once per submission id),
erasing responses, and keeping the analytics lake in step with the database (with the configured lake dir)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kundpuls.analytics.lake.erasure import ErasureReport, comment_texts, erase_responses
from kundpuls.analytics.lake.manifest import lake_location, manifest_exists, read_manifest
from kundpuls.analytics.lake.migration import rebuild_lake
from kundpuls.analytics.lake.sync import SyncReport, sync_lake
from kundpuls.errors import ImportRowsError, InvalidArgument, NotFound, RowError
from kundpuls.instruments import (
    AnswerErrors,
    SurveyDefinition,
    ValidatedAnswers,
    stored_items,
    validate_answers,
)
from kundpuls.reports import cache as report_cache
from kundpuls.text import meaning
from kundpuls.text.redaction import redact
from kundpuls.web.org.actions import record_audit
from kundpuls.web.org.actors import Actor
from kundpuls.web.org.models import Unit
from kundpuls.web.org.permissions import Capability, require, require_organisation, require_some_unit
from kundpuls.web.org.tenancy import organisation_ids_of
from kundpuls.web.responses import export as export_module
from kundpuls.web.responses import export_rule
from kundpuls.web.responses.erasure import PARTICIPANTS, ErasurePlan, Subject, plan_erasure
from kundpuls.web.responses.lake_source import published_item_metadata, response_fetcher
from kundpuls.web.responses.models import ContactDetails, Response
from kundpuls.web.responses.queries import stamp_time
from kundpuls.web.responses.signals import responses_created, responses_stored
from kundpuls.web.surveys.models import Distribution, Survey, SurveyVersion
from kundpuls.web.surveys.queries import current_version, definition_of

if TYPE_CHECKING:
    from kundpuls.web.responses.history import History


def _open_cases(response_ids: list[int]) -> None:
    """Announce consented responses once stored (the cases app, above this one, opens follow-up cases and
    clears each response's ``followup_pending`` when it is handled)."""
    if response_ids:
        responses_stored.send(sender=Response, response_ids=response_ids)


def complete_pending_followups(*, actor: Actor, older_than_seconds: float = 0.0, limit: int = 10_000) -> int:
    """Announce again every stored response whose follow-up was never handled (a crash between the commit
    and the follow-up, or a failing rule); returns how many were announced. Called when the worker starts
    and by ``kundpuls cases overdue``; harmless to repeat (a response gets at most one case). Operators only
    (every unit)."""
    require(actor, Capability.ADMINISTER, None)
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        Response.objects.filter(followup_pending=True, stored_at__lte=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    _open_cases(ids)
    return len(ids)


@dataclass(frozen=True)
class Receipt:
    """What the respondent is shown: the same for every retry of one submission."""

    response_id: int
    code: str
    created: bool


def _text_items(definition: SurveyDefinition) -> frozenset[str]:
    return frozenset(item.key for item in stored_items(definition) if item.kind == "text")


def prepare_answers(
    definition: SurveyDefinition, answers: dict[str, Any], *, language: str
) -> ValidatedAnswers:
    """Validate ``answers`` and redact personal data from open text before anything is stored.

    Names, identity numbers, phone numbers, e-mail and street addresses in comments are replaced by typed
    placeholders (:func:`kundpuls.text.redaction.redact`); raw personal data is never written.
    """
    validated = validate_answers(definition, answers)
    texts = _text_items(definition)
    cleaned = {
        key: redact(value, language="en" if language == "en" else "sv").text
        if key in texts and isinstance(value, str)
        else value
        for key, value in validated.answers.items()
    }
    return ValidatedAnswers(answers=cleaned, contact=validated.contact)


def submit_response(
    *,
    version: SurveyVersion,
    distribution: Distribution,
    submission_id: uuid.UUID,
    answers: dict[str, Any],
    language: str = "sv",
    submitted_at: datetime | None = None,
) -> Receipt:
    """Validate ``answers`` (item key → raw value, contact fields included) and store them once.

    Storing is one transaction: the response and its contact details (kept in their own table) commit
    together or not at all. A second call with the same ``submission_id`` — a retry, a double click, the
    back button — stores nothing and returns the receipt of the first.

    Raises
    ------
    kundpuls.instruments.AnswerErrors
        When the answers do not fit the survey version (every problem named by item key and value).
    """
    existing = (
        Response.objects.filter(submission_id=submission_id)
        .order_by()
        .only("pk", "submission_id", "followup_pending")[:1]
    )
    for stored in existing:
        if stored.followup_pending:  # stored, but its follow-up was lost (a crash): finish it now
            _open_cases([stored.pk])
        return Receipt(stored.pk, stored.receipt, created=False)
    validated = prepare_answers(definition_of(version), answers, language=language)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                submission_id=submission_id,
                survey_id=version.survey_id,
                version=version,
                distribution=distribution,
                unit_id=distribution.unit_id,
                channel=distribution.channel,
                language=language if language in {"sv", "en"} else "sv",
                submitted_at=submitted_at or timezone.now(),
                answers=validated.answers,
                consented=validated.consented,
                followup_pending=validated.consented,
            )
            if validated.contact:
                ContactDetails.objects.create(response=response, data=validated.contact)
            responses_created.send(sender=Response, submission_ids=[submission_id])  # webhooks, atomically
            if validated.consented:  # follow-up cases (issue 10) are opened only for those who consented
                transaction.on_commit(lambda: _open_cases([response.pk]))
    except IntegrityError:
        # Another request with the same submission id committed first: that one is the response.
        response = Response.objects.get(submission_id=submission_id)
        return Receipt(response.pk, response.receipt, created=False)
    return Receipt(response.pk, response.receipt, created=True)


@dataclass(frozen=True)
class IncomingResponse:
    """One response to import (old data, another tool's export, the demo)."""

    distribution: Distribution
    submission_id: uuid.UUID
    answers: dict[str, Any]
    language: str
    submitted_at: datetime


@dataclass(frozen=True)
class ImportReport:
    stored: int
    already_stored: int


def import_responses(
    version: SurveyVersion, rows: list[IncomingResponse], *, actor: Actor, batch_size: int = 2000
) -> ImportReport:
    """Validate every row, then store them all in one transaction (or none: errors name row and item).

    Rows whose submission id is already stored are skipped, so an import can be run again safely. Needs
    ``manage_surveys`` on the unit of every row's distribution.
    """
    for unit in {row.distribution.unit_id: row.distribution.unit for row in rows}.values():
        require(actor, Capability.MANAGE_SURVEYS, unit)
        require_organisation(
            actor, version.survey.organisation_id, what=f"survey {version.survey.key!r}", unit=unit
        )
    definition = definition_of(version)
    prepared: list[tuple[IncomingResponse, ValidatedAnswers]] = []
    errors: list[RowError] = []
    for number, row in enumerate(rows, start=1):
        try:
            prepared.append((row, prepare_answers(definition, row.answers, language=row.language)))
        except AnswerErrors as exc:
            errors.extend(RowError(number, e.field or "", repr(e.value), e.message("sv")) for e in exc.errors)
    if errors:
        raise ImportRowsError(errors)
    with transaction.atomic():
        already = set(
            Response.objects.filter(submission_id__in=[row.submission_id for row, _ in prepared]).values_list(
                "submission_id", flat=True
            )
        )
        before = Response.objects.filter(survey_id=version.survey_id).count()
        Response.objects.bulk_create(
            [
                Response(
                    submission_id=row.submission_id,
                    survey_id=version.survey_id,
                    version=version,
                    distribution=row.distribution,
                    unit_id=row.distribution.unit_id,
                    channel=row.distribution.channel,
                    language=row.language if row.language in {"sv", "en"} else "sv",
                    submitted_at=row.submitted_at,
                    answers=validated.answers,
                    consented=validated.consented,
                    followup_pending=validated.consented,
                )
                for row, validated in prepared
                if row.submission_id not in already
            ],
            batch_size=batch_size,
            ignore_conflicts=True,
        )
        stored = Response.objects.filter(survey_id=version.survey_id).count() - before
        # Contact details belong only to the responses this import created: a row whose submission id was
        # stored before (by anyone) keeps what it had, so a batch cannot attach details to another response.
        with_contact = {
            row.submission_id: validated.contact
            for row, validated in prepared
            if validated.contact and row.submission_id not in already
        }
        if with_contact and stored:
            ids = dict(
                Response.objects.filter(
                    submission_id__in=list(with_contact), survey_id=version.survey_id, contact__isnull=True
                ).values_list("submission_id", "pk")
            )
            ContactDetails.objects.bulk_create(
                [ContactDetails(response_id=pk, data=with_contact[sid]) for sid, pk in ids.items()],
                batch_size=batch_size,
            )
        if stored:
            new_ids = [row.submission_id for row, _ in prepared if row.submission_id not in already]
            responses_created.send(sender=Response, submission_ids=new_ids)  # webhooks, atomically
            created = list(
                Response.objects.filter(
                    submission_id__in=[
                        row.submission_id for row, _ in prepared if row.submission_id not in already
                    ],
                    followup_pending=True,
                ).values_list("pk", flat=True)
            )
            transaction.on_commit(lambda: _open_cases(created))  # follow-up cases (issue 10)
    return ImportReport(stored=stored, already_stored=len(prepared) - stored)


@dataclass(frozen=True)
class HistoryReport:
    """What an import of old responses did (or, in a dry run, would do)."""

    survey: str
    rows: int
    stored: int
    already_stored: int
    dry_run: bool
    per_unit: dict[str, int]
    first_submitted: datetime | None
    last_submitted: datetime | None

    def summary(self) -> dict[str, Any]:
        return {
            "survey": self.survey,
            "rows": self.rows,
            "stored": self.stored,
            "already_stored": self.already_stored,
            "dry_run": self.dry_run,
            "per_unit": self.per_unit,
            "first_submitted": self.first_submitted.isoformat() if self.first_submitted else None,
            "last_submitted": self.last_submitted.isoformat() if self.last_submitted else None,
        }


def import_history(
    history: History, *, actor: Actor, dry_run: bool = False, file_name: str = ""
) -> HistoryReport:
    """Store the checked rows of a file of old responses (``history.read_history``).

    All or nothing, in one transaction: a distribution per unit and channel is opened (``import``,
    ``paper`` …; an open one is reused), then every row is stored with its own submission time through
    :func:`import_responses`; rows whose id was imported before are left as they are, so running the same
    file again stores nothing new. Needs ``manage_surveys`` on every unit of the file. A dry run checks
    the same and writes nothing; a real run leaves an audit event.
    """
    from kundpuls.web.surveys.actions import open_distribution

    units = {row.unit.pk: row.unit for row in history.rows}
    for unit in units.values():
        require(actor, Capability.MANAGE_SURVEYS, unit)
    ids = [row.submission_id for row in history.rows]
    moments = [row.submitted_at for row in history.rows]
    first, last = (min(moments), max(moments)) if moments else (None, None)
    if dry_run:
        already = Response.objects.filter(submission_id__in=ids).count()
        return HistoryReport(history.survey.key, len(ids), 0, already, True, history.per_unit(), first, last)
    with transaction.atomic():
        links: dict[tuple[int, str], Distribution] = {}
        for row in history.rows:
            key = (row.unit.pk, row.channel)
            if key not in links:
                links[key] = open_distribution(history.survey, row.unit, channel=row.channel, actor=actor)
        report = import_responses(
            history.version,
            [
                IncomingResponse(
                    distribution=links[(row.unit.pk, row.channel)],
                    submission_id=row.submission_id,
                    answers=row.answers,
                    language=row.language,
                    submitted_at=row.submitted_at,
                )
                for row in history.rows
            ],
            actor=actor,
        )
        record_audit(
            actor,
            "responses.import_history",
            history.survey.key,
            file=file_name[:200],
            rows=len(ids),
            stored=report.stored,
            already_stored=report.already_stored,
        )
    return HistoryReport(
        history.survey.key,
        len(ids),
        report.stored,
        report.already_stored,
        False,
        history.per_unit(),
        first,
        last,
    )


def export_responses(
    survey: Survey,
    *,
    file_format: str,
    actor: Actor,
    unit: Unit | None = None,
    first_month: date | None = None,
    last_month: date | None = None,
    precision: str = "quarter",
) -> export_module.ExportResult:
    """Respondent-level data of ``survey`` (see :mod:`kundpuls.web.responses.export`).

    The selection is the survey's responses in ``unit``'s subtree (default: the whole organisation of the
    survey) submitted from ``first_month`` to ``last_month`` (inclusive, local time). Needs ``export`` on
    every unit with a response in it (and on ``unit``). The file holds ended periods only and tells the time
    of a response only as its quarter, or its month with ``precision="month"``. Refused
    (:class:`SelectionTooSmall`) when a group of the file, or what it leaves of any number the results
    show (a roll-up above, the quarter or year around), holds fewer respondents than the survey's anonymity
    threshold (:mod:`kundpuls.web.responses.export_rule`). An audit event records who exported what (never
    an answer).
    """
    from kundpuls.reports.anonymity import survey_thresholds

    export = export_module

    if file_format not in export.FORMATS:
        raise InvalidArgument(
            _("format: %(value)r; one of %(formats)s")
            % {"value": file_format, "formats": ", ".join(export.FORMATS)},
            field="format",
            value=file_format,
        )
    export.check_precision(precision)
    scope = unit or survey.owner
    require(actor, Capability.EXPORT, scope)
    require_organisation(actor, survey.organisation_id, what=f"survey {survey.key!r}", unit=scope)
    version = current_version(survey)
    if version is None:
        raise NotFound(_("survey: %(key)r has no published version") % {"key": survey.key})
    definition = definition_of(version)
    first, end = export_rule.selection_window(first_month, last_month, precision, timezone.now())
    chosen = Response.objects.filter(survey=survey, unit__path__startswith=scope.path, submitted_at__lt=end)
    if first is not None:
        chosen = chosen.filter(submitted_at__gte=first)
    responses = list(chosen.select_related("unit").order_by("submitted_at", "pk"))
    if not responses:
        raise NotFound(
            _("selection: no responses of %(key)r in %(unit)s in these months")
            % {"key": survey.key, "unit": scope.code}
        )
    for unit_of_row in {r.unit_id: r.unit for r in responses}.values():
        require(actor, Capability.EXPORT, unit_of_row)
    threshold = survey_thresholds(definition, setting=settings.KUNDPULS_ANONYMITY_THRESHOLD).groups
    last_year = export_rule.enclosing_start(responses[-1].submitted_at)
    everything = list(
        Response.objects.filter(
            survey=survey,
            submitted_at__gte=export_rule.enclosing_start(responses[0].submitted_at),
            submitted_at__lt=last_year.replace(year=last_year.year + 1),
        ).values_list("unit__path", "submitted_at")
    )  # every number the results show of the years the file touches, the running period's included
    selected = [(r.unit.path, r.submitted_at) for r in responses]
    on_paths = {int(pk) for path, _ in everything for pk in path.strip("/").split("/") if pk}
    codes = {str(pk): code for pk, code in Unit.objects.filter(pk__in=on_paths).values_list("pk", "code")}
    problems = export_rule.groups_too_small(selected, everything, threshold, precision, codes)
    if problems:
        raise export.SelectionTooSmall(problems, threshold)
    table = export.export_table(definition, responses, precision)
    content = export.write(table, file_format)
    record_audit(
        actor,
        "responses.export",
        survey.key,
        format=file_format,
        precision=precision,
        unit=scope.code,
        first_month=first_month.isoformat()[:7] if first_month else None,
        last_month=last_month.isoformat()[:7] if last_month else None,
        rows=len(responses),
    )
    return export.ExportResult(
        content=content,
        codebook=export.write_codebook(table),
        file_format=file_format,
        file_name=f"{survey.key}-{scope.code}-svar.{file_format}",
        rows=len(responses),
        units=tuple(sorted(set(table.units.values()))),
    )


# ------------------------------------------------------------------------- the lake and erasure


def sync_to_lake(
    *,
    batch_size: int = 50_000,
    progress: Callable[[int, int | None], None] | None = None,
    settle_seconds: float | None = None,
    rebuild: bool = False,
) -> SyncReport:
    """Append every settled response newer than the lake's high-water mark (see :func:`sync_lake`).

    ``settle_seconds`` (default ``KUNDPULS_LAKE_SETTLE_SECONDS``): responses stored more recently wait for
    the next sync (see :func:`kundpuls.web.responses.lake_source.response_fetcher`). ``rebuild`` writes
    every response into a new lake and swaps it in when complete (readers keep the old one meanwhile): after
    an upgrade that derives new columns, e.g. the patient survey's dimension scores.
    """
    if settle_seconds is None:
        settle_seconds = settings.KUNDPULS_LAKE_SETTLE_SECONDS
    if rebuild:
        return rebuild_lake(
            str(settings.KUNDPULS_LAKE_DIR),
            response_fetcher(settle_seconds=settle_seconds),
            batch_size=batch_size,
            progress=progress,
            survey_items=published_item_metadata(),
        )
    return sync_lake(
        settings.KUNDPULS_LAKE_DIR,
        response_fetcher(settle_seconds=settle_seconds),
        batch_size=batch_size,
        progress=progress,
        survey_items=published_item_metadata(),
    )


def bring_lake_up_to_date(max_age_seconds: float | None = None) -> None:
    """Sync the lake when the database holds responses newer than its watermark and the lake is older than
    ``max_age_seconds`` (default ``KUNDPULS_LAKE_REFRESH_SECONDS``; 0: whenever there are new responses).

    Called by the server's background refresher (:mod:`kundpuls.web.responses.refresher`) and the batch
    report command, both with 0; never by a page, which only reads and says how old the lake is
    (:func:`kundpuls.web.responses.queries.lake_updated_at`). Every sync starts a new lake generation,
    which empties the cache of report results (the index frames, driver cross products, comments).
    """
    newest = Response.objects.aggregate(newest=Max("pk"))["newest"]
    if newest is None:
        return
    location = lake_location(str(settings.KUNDPULS_LAKE_DIR))
    if manifest_exists(location):
        manifest = read_manifest(location)
        if manifest.watermark is not None and manifest.watermark >= newest:
            return
        limit = settings.KUNDPULS_LAKE_REFRESH_SECONDS if max_age_seconds is None else max_age_seconds
        updated = stamp_time(manifest.updated_at)
        if limit > 0 and updated is not None and (timezone.now() - updated).total_seconds() < limit:
            return
    sync_to_lake()


@dataclass(frozen=True)
class ErasureResult:
    """What :func:`erase` removed: the plan's counts (database) and the lake's rewrite."""

    plan: ErasurePlan
    lake: ErasureReport | None

    def summary(self) -> dict[str, Any]:
        lake = None
        if self.lake is not None:
            lake = {
                "responses": self.lake.responses_erased,
                "comments": self.lake.comments_erased,
                "partitions_rewritten": self.lake.partitions_rewritten,
            }
        return {**self.plan.summary(), "erased": True, "lake": lake}


def _erase_from_lake(submission_ids: tuple[str, ...]) -> ErasureReport | None:
    location = lake_location(str(settings.KUNDPULS_LAKE_DIR))
    if not submission_ids or not manifest_exists(location):
        return None
    texts = comment_texts(location, submission_ids)
    report = erase_responses(location, submission_ids)
    report_cache.clear()  # results computed from the erased rows (comments included) are forgotten
    meaning.forget(texts)  # and so are the comment reader's vectors of the erased comments
    return report


def erase(subject: Subject, *, actor: Actor) -> ErasureResult:
    """Erase everything kept about ``subject`` (a data-protection request; see :func:`plan_erasure`).

    In one transaction: every participating app erases its part (a follow-up case becomes a tombstone, the
    invitation loses its contact data, progress and link), then the responses go with their answers,
    comments, contact details and list background; an audit event records the kind of request, the counts
    and the receipts — never an answer or an e-mail address. After the commit the lake's partitions are
    rewritten without the responses and the cache of report results is emptied.

    Only the data of the actor's organisations is looked for (an operator's: every organisation's): each
    organisation answers for its own, and a request says nothing of what another holds. Needs
    ``administer`` on the unit of every response and invitation found; an actor who administers no unit is
    refused before anything is looked up.

    Raises
    ------
    kundpuls.errors.NotFound
        When nothing is kept about the subject.
    AmbiguousReceipt
        When a receipt code matches more than one response.
    """
    require_some_unit(actor, Capability.ADMINISTER)
    subject = subject.within(organisation_ids_of(actor))  # her organisations' data only
    now = timezone.now()
    with transaction.atomic():
        plan = plan_erasure(subject)
        for unit in plan.units:
            require(actor, Capability.ADMINISTER, unit)
        if plan.empty:
            kinds = {
                "email": _("this e-mail address"),
                "receipt": _("this receipt code"),
                "submission": _("this submission"),
            }
            raise NotFound(_("subject: nothing is kept about %(subject)s") % {"subject": kinds[subject.kind]})
        for participant in PARTICIPANTS:
            participant.erase(subject, plan.response_ids, actor=actor, now=now)
        ContactDetails.objects.filter(response_id__in=plan.response_ids).delete()
        Response.objects.filter(pk__in=plan.response_ids).delete()
        record_audit(
            actor,
            "responses.erase",
            ",".join(plan.receipts)[:200],
            subject=subject.kind,
            receipts=list(plan.receipts),
            counts=dict(plan.counts),
        )
    return ErasureResult(plan=plan, lake=_erase_from_lake(plan.submission_ids))
