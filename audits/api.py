"""REST API of the audits domain under /api/v1/companies/<company_slug>/.

Same rules as the pages: admins configure (matrix, schedule, questionnaires, rounds, reopen); admins and
executives see every audit; a department head sees and answers only their own department's audits (403
for the others); another company's id is a 404. Services write; their ValidationErrors become 400s with
field errors, and AuditNotEditable (answering or submitting a submitted audit) becomes a 409
(accounts/api_errors.py).

Deleting an action item marks it "dropped" rather than removing the row: dashboards count items per
factor over time and an item raised from an answer is part of that audit's history.
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.api import NOT_FOUND, CompanyAPIView
from accounts.api_errors import Conflict
from accounts.api_filters import StrictBooleanFilter
from accounts.concurrency import if_match
from accounts.files import serve_attachment
from accounts.models import Role

from . import selectors, services
from .models import (
    ActionItem,
    ActionStatus,
    Answer,
    AuditStatus,
    DepartmentAudit,
    Factor,
    FactorKey,
    FactorScore,
    Question,
    Questionnaire,
    Round,
)
from .serializers import (
    MAX_ID,
    ActionItemCreateSerializer,
    ActionItemOutputSerializer,
    ActionItemUpdateSerializer,
    AnswerOutputSerializer,
    AnswersBulkInputSerializer,
    AnswersBulkOutputSerializer,
    AuditScoresSerializer,
    CopyPreviousOutputSerializer,
    DepartmentAuditDetailSerializer,
    DepartmentAuditOutputSerializer,
    EvidenceUploadSerializer,
    FactorSerializer,
    MatrixInputSerializer,
    MatrixOutputSerializer,
    MatrixProposeOutputSerializer,
    QuestionInputSerializer,
    QuestionnaireDetailSerializer,
    QuestionnaireInputSerializer,
    QuestionnaireOutputSerializer,
    QuestionOutputSerializer,
    ReopenInputSerializer,
    RoundDetailSerializer,
    RoundOpenInputSerializer,
    RoundOutputSerializer,
    RoundScoresSerializer,
    ScheduleInputSerializer,
    ScheduleOutputSerializer,
)

FORBIDDEN = OpenApiResponse(description="Your role may not do this, or the audit is another department's.")
FROZEN = OpenApiResponse(description="The questionnaire is published (frozen); copy it to change it.")
SUBMITTED = OpenApiResponse(description="The audit is submitted; an admin must reopen it first.")
BAD_INPUT = OpenApiResponse(description="Field errors.")


# ---------------------------------------------------------------- factors

class FactorListView(CompanyAPIView):
    """The seven system factors (a global catalogue, the same for every company)."""

    model = Factor
    serializer_class = FactorSerializer

    def company_queryset(self):
        return Factor.objects.all()

    @extend_schema(responses=FactorSerializer(many=True))
    def get(self, request, company_slug):
        return self.paginated(self.get_queryset(), FactorSerializer)


class FactorDetailView(CompanyAPIView):
    model = Factor
    serializer_class = FactorSerializer

    def company_queryset(self):
        return Factor.objects.all()

    @extend_schema(responses={200: FactorSerializer, 404: NOT_FOUND})
    def get(self, request, company_slug, factor_key):
        return Response(FactorSerializer(get_object_or_404(self.get_queryset(), key=factor_key)).data)


# ---------------------------------------------------------------- questionnaires and questions

class QuestionnaireAPIView(CompanyAPIView):
    """Everyone who sees audits reads questionnaires; only the admin changes them."""

    required_permission = {"GET": "view_questionnaires", "*": "manage_audits"}
    model = Questionnaire

    def company_queryset(self):
        return selectors.questionnaires_of(company=self.company)

    def questionnaire(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["questionnaire_pk"])

    def editable_questionnaire(self):
        """The draft named in the URL; a published or retired version is a 409 with a clear message."""
        questionnaire = self.questionnaire()
        if questionnaire.is_frozen:
            raise Conflict(str(services.FROZEN_MESSAGE))
        return questionnaire

    def detail_response(self, questionnaire, code=status.HTTP_200_OK):
        questionnaire = self.get_queryset().prefetch_related(
            Prefetch("questions", queryset=Question.objects.select_related("factor"))
        ).get(pk=questionnaire.pk)
        return Response(QuestionnaireDetailSerializer(questionnaire).data, status=code)


class QuestionnaireListView(QuestionnaireAPIView):
    """Every version with its status; POST starts a new, empty draft."""

    serializer_class = QuestionnaireOutputSerializer

    @extend_schema(responses=QuestionnaireOutputSerializer(many=True))
    def get(self, request, company_slug):
        return self.paginated(self.get_queryset(), QuestionnaireOutputSerializer)

    @extend_schema(request=QuestionnaireInputSerializer, responses={201: QuestionnaireDetailSerializer, 403: FORBIDDEN})
    def post(self, request, company_slug):
        data = self.validated(QuestionnaireInputSerializer)
        questionnaire = services.questionnaire_create(company=self.company, by=request.user, title=data["title"])
        return self.detail_response(questionnaire, status.HTTP_201_CREATED)


class QuestionnaireDetailView(QuestionnaireAPIView):
    """One version with its questions; a draft's title can change and a draft can be deleted."""

    serializer_class = QuestionnaireDetailSerializer
    http_method_names = ["get", "patch", "delete", "options"]

    @extend_schema(responses={200: QuestionnaireDetailSerializer, 404: NOT_FOUND})
    def get(self, request, company_slug, questionnaire_pk):
        return self.detail_response(self.questionnaire())

    @extend_schema(request=QuestionnaireInputSerializer,
                   responses={200: QuestionnaireDetailSerializer, 404: NOT_FOUND, 409: FROZEN})
    def patch(self, request, company_slug, questionnaire_pk):
        questionnaire = self.editable_questionnaire()
        data = self.validated(QuestionnaireInputSerializer)
        services.questionnaire_update(questionnaire=questionnaire, by=request.user, title=data["title"],
                                      expected_version=if_match(request))
        return self.detail_response(questionnaire)

    @extend_schema(responses={204: None, 404: NOT_FOUND, 409: FROZEN})
    def delete(self, request, company_slug, questionnaire_pk):
        services.questionnaire_delete(questionnaire=self.editable_questionnaire(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class QuestionnaireCopyView(QuestionnaireAPIView):
    """A new draft version with copies of every question, to edit and publish."""

    serializer_class = QuestionnaireDetailSerializer
    http_method_names = ["post", "options"]

    @extend_schema(request=None, responses={201: QuestionnaireDetailSerializer, 404: NOT_FOUND})
    def post(self, request, company_slug, questionnaire_pk):
        copy = services.questionnaire_copy(questionnaire=self.questionnaire(), by=request.user)
        return self.detail_response(copy, status.HTTP_201_CREATED)


class QuestionnairePublishView(QuestionnaireAPIView):
    """Freeze a draft; new rounds use it, the previously published version is retired, open audits keep theirs."""

    serializer_class = QuestionnaireDetailSerializer
    http_method_names = ["post", "options"]

    @extend_schema(request=None, responses={
        200: QuestionnaireDetailSerializer, 400: OpenApiResponse(description="The draft has no questions."),
        404: NOT_FOUND, 409: FROZEN,
    })
    def post(self, request, company_slug, questionnaire_pk):
        questionnaire = services.questionnaire_publish(questionnaire=self.editable_questionnaire(), by=request.user)
        return self.detail_response(questionnaire)


class QuestionListView(QuestionnaireAPIView):
    """A version's questions; POST adds one to a draft."""

    model = Question
    serializer_class = QuestionOutputSerializer

    def company_queryset(self):
        return Question.objects.filter(company=self.company, questionnaire=self.questionnaire()).select_related("factor")

    def questionnaire(self):
        return get_object_or_404(selectors.questionnaires_of(company=self.company), pk=self.kwargs["questionnaire_pk"])

    @extend_schema(responses=QuestionOutputSerializer(many=True))
    def get(self, request, company_slug, questionnaire_pk):
        return self.paginated(self.get_queryset(), QuestionOutputSerializer)

    @extend_schema(request=QuestionInputSerializer,
                   responses={201: QuestionOutputSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 409: FROZEN})
    def post(self, request, company_slug, questionnaire_pk):
        questionnaire = self.editable_questionnaire()
        data = self.validated(QuestionInputSerializer)
        data["scale_labels"] = dict(data.get("scale_labels") or {})
        question = services.question_add(questionnaire=questionnaire, by=request.user, **data)
        return Response(QuestionOutputSerializer(question).data, status=status.HTTP_201_CREATED)


class QuestionDetailView(QuestionListView):
    """One question; a draft's questions change and go, a published version's are frozen (409)."""

    http_method_names = ["get", "put", "patch", "delete", "options"]

    def question(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["question_pk"])

    @extend_schema(responses={200: QuestionOutputSerializer, 404: NOT_FOUND})
    def get(self, request, company_slug, questionnaire_pk, question_pk):
        return Response(QuestionOutputSerializer(self.question()).data)

    @extend_schema(request=QuestionInputSerializer,
                   responses={200: QuestionOutputSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 409: FROZEN})
    def put(self, request, company_slug, questionnaire_pk, question_pk):
        return self.update(partial=False)

    @extend_schema(request=QuestionInputSerializer,
                   responses={200: QuestionOutputSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 409: FROZEN})
    def patch(self, request, company_slug, questionnaire_pk, question_pk):
        return self.update(partial=True)

    @extend_schema(responses={204: None, 404: NOT_FOUND, 409: FROZEN})
    def delete(self, request, company_slug, questionnaire_pk, question_pk):
        self.editable_questionnaire()
        services.question_delete(question=self.question(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def update(self, *, partial):
        self.editable_questionnaire()
        question = self.question()
        fields = self.validated(QuestionInputSerializer, partial=partial)
        if "scale_labels" in fields:
            fields["scale_labels"] = dict(fields["scale_labels"] or {})
        question = services.question_update(question=question, by=self.request.user,
                                            expected_version=if_match(self.request), **fields)
        return Response(QuestionOutputSerializer(question).data)


# ---------------------------------------------------------------- responsibility matrix

def matrix_rows(company):
    """The matrix as serializer-ready rows in catalogue order."""
    return [
        {"factor": row["factor"], "accountable": row["accountable"], "contributing": row["contributing"]}
        for row in selectors.matrix_of(company=company).values()
    ]


class MatrixView(CompanyAPIView):
    """Per factor: the one accountable department and the contributing ones. PUT replaces the whole matrix."""

    required_permission = {"GET": "view_questionnaires", "*": "manage_audits"}
    serializer_class = MatrixOutputSerializer
    http_method_names = ["get", "put", "options"]

    def get_queryset(self):
        return Factor.objects.none()  # no list behind this view; only for schema introspection

    @extend_schema(responses=MatrixOutputSerializer)
    def get(self, request, company_slug):
        return Response(MatrixOutputSerializer({"rows": matrix_rows(self.company)}).data)

    @extend_schema(request=MatrixInputSerializer, responses={200: MatrixOutputSerializer, 400: BAD_INPUT})
    def put(self, request, company_slug):
        data = self.validated(MatrixInputSerializer)
        cells = {
            row["factor"]: {"accountable": row["accountable"], "contributing": row["contributing"]}
            for row in data["rows"]
        }
        services.matrix_set(company=self.company, cells=cells)
        return Response(MatrixOutputSerializer({"rows": matrix_rows(self.company)}).data)


class MatrixProposeView(CompanyAPIView):
    """Propose accountable departments from department names for factors the admin has not set by hand."""

    required_permission = "manage_audits"
    serializer_class = MatrixProposeOutputSerializer
    http_method_names = ["post", "options"]

    def get_queryset(self):
        return Factor.objects.none()  # only for schema introspection

    @extend_schema(request=None, responses=MatrixProposeOutputSerializer)
    def post(self, request, company_slug):
        changed = services.matrix_propose(company=self.company)
        return Response(MatrixProposeOutputSerializer({"rows": matrix_rows(self.company), "changed": changed}).data)


# ---------------------------------------------------------------- schedule

def schedule_data(company, schedule):
    period, moment = selectors.next_round_opening(company=company, schedule=schedule)
    current = services.current_period(company=company, schedule=schedule)
    with timezone.override(company.tzinfo):  # the opening moment reads in the company's timezone
        return ScheduleOutputSerializer({
            "cadence": schedule.cadence, "opening_day": schedule.opening_day,
            "answer_window_days": schedule.answer_window_days, "is_active": schedule.is_active,
            "timezone": company.timezone, "current_period": current.name, "next_period": period.name,
            "next_opening": moment, "lock_version": schedule.lock_version,
        }).data


class ScheduleView(CompanyAPIView):
    """When rounds open: cadence, opening day, answer window; with the next period and its opening moment."""

    required_permission = "manage_audits"
    serializer_class = ScheduleOutputSerializer
    http_method_names = ["get", "put", "patch", "options"]

    def get_queryset(self):
        return Factor.objects.none()  # only for schema introspection

    @extend_schema(responses=ScheduleOutputSerializer)
    def get(self, request, company_slug):
        return Response(schedule_data(self.company, selectors.schedule_for(company=self.company)))

    @extend_schema(request=ScheduleInputSerializer, responses={200: ScheduleOutputSerializer, 400: BAD_INPUT})
    def put(self, request, company_slug):
        return self.update(partial=False)

    @extend_schema(request=ScheduleInputSerializer, responses={200: ScheduleOutputSerializer, 400: BAD_INPUT})
    def patch(self, request, company_slug):
        return self.update(partial=True)

    def update(self, *, partial):
        current = selectors.schedule_for(company=self.company)
        values = {name: getattr(current, name) for name in ("cadence", "opening_day", "answer_window_days", "is_active")}
        data = self.validated(ScheduleInputSerializer, partial=partial, instance_data=values)
        schedule = services.schedule_update(company=self.company, expected_version=if_match(self.request), **data)
        return Response(schedule_data(self.company, schedule))


# ---------------------------------------------------------------- rounds

class AuditAccessMixin:
    """Rounds and audits are for those who see every audit or answer their own department's (403 otherwise)."""

    def check_permissions(self, request):
        super().check_permissions(request)
        membership = self.membership
        if not (membership.can("view_all_audits") or membership.can("answer_own_audits")):
            raise exceptions.PermissionDenied

    @property
    def sees_all(self):
        return self.membership.can("view_all_audits")


class RoundAPIView(AuditAccessMixin, CompanyAPIView):
    required_permission = {"POST": "manage_audits"}
    model = Round

    def company_queryset(self):
        rounds = selectors.rounds_of(company=self.company)
        if not self.sees_all:
            rounds = rounds.filter(audits__department_id=self.membership.department_id).distinct()
        return rounds

    def round(self):
        """The company's round (404), if this member's department has an audit in it (403)."""
        round = get_object_or_404(selectors.rounds_of(company=self.company), pk=self.kwargs["round_pk"])
        if not self.sees_all and not round.audits.filter(department_id=self.membership.department_id).exists():
            raise exceptions.PermissionDenied
        return round


class RoundListView(RoundAPIView):
    """Rounds, newest first; POST opens the current (or a named) period's round now."""

    serializer_class = RoundOutputSerializer

    @extend_schema(responses=RoundOutputSerializer(many=True))
    def get(self, request, company_slug):
        return self.paginated(self.get_queryset(), RoundOutputSerializer)

    @extend_schema(request=RoundOpenInputSerializer, responses={
        201: RoundOutputSerializer,
        200: OpenApiResponse(RoundOutputSerializer, description="The period's round was already open."),
        400: OpenApiResponse(description="Bad period, no published questionnaire, or an empty matrix."),
        403: FORBIDDEN,
    })
    def post(self, request, company_slug):
        data = self.validated(RoundOpenInputSerializer)
        round, created = services.round_open(company=self.company, period=data.get("period") or None, by=request.user)
        round = selectors.rounds_of(company=self.company).get(pk=round.pk)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(RoundOutputSerializer(round).data, status=code)


class RoundDetailView(RoundAPIView):
    """One round with its stored company factor scores and its department audits (a head sees only theirs)."""

    serializer_class = RoundDetailSerializer

    @extend_schema(responses={200: RoundDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, company_slug, round_pk):
        round = self.round()
        audits = selectors.audits_of_round(round=round)
        if not self.sees_all:
            audits = audits.filter(department_id=self.membership.department_id)
        context = {"factor_scores": selectors.round_scores(round=round), "audits": audits}
        return Response(RoundDetailSerializer(round, context=context).data)


class RoundScoresView(RoundAPIView):
    """The round's stored company factor scores and system index (never recomputed on read)."""

    serializer_class = RoundScoresSerializer

    @extend_schema(responses={200: RoundScoresSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, company_slug, round_pk):
        round = self.round()
        return Response(RoundScoresSerializer({
            "id": round.pk, "period": round.period, "system_index": round.system_index,
            "completion": round.completion, "factor_scores": selectors.round_scores(round=round),
        }).data)


# ---------------------------------------------------------------- department audits

class DepartmentAuditFilter(filters.FilterSet):
    # Plain integers, not model choices: nothing is queried at schema time and another company's id matches nothing.
    round = filters.NumberFilter(field_name="round_id", min_value=1, max_value=MAX_ID)
    department = filters.NumberFilter(field_name="department_id", min_value=1, max_value=MAX_ID)
    status = filters.ChoiceFilter(choices=AuditStatus.choices)

    class Meta:
        model = DepartmentAudit
        fields = ["round", "department", "status"]


class DepartmentAuditAPIView(AuditAccessMixin, CompanyAPIView):
    model = DepartmentAudit

    def company_queryset(self):
        return selectors.audits_visible_to(membership=self.membership)

    def audit(self):
        """The company's audit (404) if this member sees it (403)."""
        audit = get_object_or_404(
            DepartmentAudit.objects.filter(company=self.company).select_related("round__questionnaire", "department"),
            pk=self.kwargs["audit_pk"],
        )
        if not selectors.can_view_audit(membership=self.membership, audit=audit):
            raise exceptions.PermissionDenied
        return audit

    def answerable_audit(self):
        """A visible audit this member answers: their own department's, as its head (403 otherwise)."""
        audit = self.audit()
        if not selectors.can_answer_audit(membership=self.membership, audit=audit):
            raise exceptions.PermissionDenied(_("Only the department's head answers and submits its audit."))
        return audit

    def detail_response(self, audit):
        audit = (
            DepartmentAudit.objects.filter(pk=audit.pk)
            .select_related("round__questionnaire", "department")
            .prefetch_related("factors", "transitions",
                              Prefetch("factor_scores", queryset=FactorScore.objects.select_related("factor")))
            .get()
        )
        context = {"questions": list(services.audit_questions(audit)), "answers": list(audit.answers.all())}
        return Response(DepartmentAuditDetailSerializer(audit, context=context).data)


class DepartmentAuditListView(DepartmentAuditAPIView):
    """Audits this member sees (admins and executives: all; a department head: their department's)."""

    serializer_class = DepartmentAuditOutputSerializer
    filterset_class = DepartmentAuditFilter

    @extend_schema(responses=DepartmentAuditOutputSerializer(many=True))
    def get(self, request, company_slug):
        audits = self.filter_queryset(self.get_queryset()).prefetch_related("factors")
        return self.paginated(audits, DepartmentAuditOutputSerializer)


class DepartmentAuditDetailView(DepartmentAuditAPIView):
    """One audit with its questions (the version it was opened with), answers, stored factor scores and history."""

    serializer_class = DepartmentAuditDetailSerializer

    @extend_schema(responses={200: DepartmentAuditDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, company_slug, audit_pk):
        return self.detail_response(self.audit())


class AuditAnswersView(DepartmentAuditAPIView):
    """Save many answers at once, all or nothing; each answer replaces the stored answer to its question.

    A value together with `not_applicable: true` is refused with a field error on `not_applicable`
    of that item (`{"answers": {"0": {"not_applicable": [...]}}}`): the value is never dropped silently.
    Errors: shape errors per item (`{"answers": [{}, {"scale_value": [...]}]}`) or, for rules such as
    "not part of this audit", keyed by question id (`{"answers": {"12": [...]}}`). Nothing is saved then.
    Evidence links come with the answers; evidence files go to `answers/<question id>/evidence/`.
    """

    serializer_class = AnswersBulkInputSerializer
    http_method_names = ["post", "put", "options"]

    @extend_schema(request=AnswersBulkInputSerializer, responses={
        200: AnswersBulkOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: SUBMITTED,
    })
    def post(self, request, company_slug, audit_pk):
        return self.save_answers()

    @extend_schema(request=AnswersBulkInputSerializer, responses={
        200: AnswersBulkOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: SUBMITTED,
    })
    def put(self, request, company_slug, audit_pk):
        return self.save_answers()

    def save_answers(self):
        """The member's own audit is locked first in the request's transaction (the lock order's step 1; the
        middleware runs it again on a deadlock), then saved and counted, the answers re-read in the same query:
        a single answer costs ten statements with the session's (issue 15)."""
        data = self.validated(AnswersBulkInputSerializer)
        audit = services.audit_lock_answerable(membership=self.membership, audit_pk=self.kwargs["audit_pk"])
        if audit is None:
            self.answerable_audit()  # another company's (404) or not this member's to answer (403)
            raise exceptions.PermissionDenied(_("Only the department's head answers and submits its audit."))
        try:
            saved = services.answers_save_bulk(audit=audit, by=self.request.user, answers=data["answers"],
                                               locked=True)
        except services.AuditNotEditable:
            raise
        except ValidationError as error:  # the request's transaction is rolled back (DRF's error response)
            errors = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            raise exceptions.ValidationError({"answers": errors}) from None
        answered, total, stored = selectors.audit_progress_with_answers(audit=audit)
        # Re-read: the response is the stored state (issue 12, rule 8), not the objects the request built.
        return Response(AnswersBulkOutputSerializer({
            "saved": len(saved), "answers": [stored[answer.question_id] for answer in saved],
            "progress": {"answered": answered, "total": total},
        }).data)


class AuditCopyPreviousView(DepartmentAuditAPIView):
    """"Start from last round": copy the previous round's answers of this department into the questions not
    answered yet (answered ones are left alone; evidence comes along). Answers with every answer as stored."""

    serializer_class = CopyPreviousOutputSerializer
    http_method_names = ["post", "options"]

    @extend_schema(request=None, responses={
        200: CopyPreviousOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: SUBMITTED,
    })
    def post(self, request, company_slug, audit_pk):
        audit = self.answerable_audit()
        copied = services.answers_copy_from_previous(audit=audit, by=request.user)
        answered, total = selectors.audit_progress(audit=audit)
        return Response(CopyPreviousOutputSerializer({
            "copied": copied,
            "answers": audit.answers.order_by("question__factor__position", "question__position", "question_id"),
            "progress": {"answered": answered, "total": total},
        }).data)


class AnswerEvidenceView(DepartmentAuditAPIView):
    """The evidence file of one answer: GET downloads it, PUT (multipart, field `file`) attaches or replaces it,
    DELETE removes it. Answer the question first; the limits are the audit page's (type and 10 MB)."""

    serializer_class = EvidenceUploadSerializer
    # JSON too: a JSON body gets the field error "not a file" (not a bare 415), and a POST's CSRF check can read it.
    parser_classes = [MultiPartParser, JSONParser]
    http_method_names = ["get", "put", "delete", "options"]

    def question(self, audit):
        """A question this audit asks (another one, or another company's, is a 404)."""
        return get_object_or_404(services.audit_questions(audit), pk=self.kwargs["question_pk"])

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 403: FORBIDDEN,
                              404: OpenApiResponse(description="No such answer, or no file attached to it.")})
    def get(self, request, company_slug, audit_pk, question_pk):
        audit = self.audit()
        answer = get_object_or_404(Answer.objects.filter(company=self.company, audit=audit).exclude(evidence_file=""),
                                   question=self.question(audit))
        return serve_attachment(answer.evidence_file)

    @extend_schema(request={"multipart/form-data": EvidenceUploadSerializer}, responses={
        200: AnswerOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND, 409: SUBMITTED})
    def put(self, request, company_slug, audit_pk, question_pk):
        audit = self.answerable_audit()
        question = self.question(audit)
        upload = self.validated(EvidenceUploadSerializer)["file"]
        answer = services.answer_evidence_file_set(audit=audit, question=question, by=request.user,
                                                   evidence_file=upload)
        return Response(AnswerOutputSerializer(answer).data)

    @extend_schema(request=None, responses={200: AnswerOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN,
                                            404: NOT_FOUND, 409: SUBMITTED})
    def delete(self, request, company_slug, audit_pk, question_pk):
        """Remove the file; answers with the answer as now stored (like every other save)."""
        audit = self.answerable_audit()
        answer = services.answer_evidence_file_set(audit=audit, question=self.question(audit), by=request.user)
        return Response(AnswerOutputSerializer(answer).data)


class AuditSubmitView(DepartmentAuditAPIView):
    """Submit the audit once every required question is answered; the scores are stored at once."""

    serializer_class = DepartmentAuditDetailSerializer
    http_method_names = ["post", "options"]

    @extend_schema(request=None, responses={
        200: DepartmentAuditDetailSerializer,
        400: OpenApiResponse(description='Unanswered required questions: {"detail": …, "missing": {"<question id>": [...]}}'),
        403: FORBIDDEN, 404: NOT_FOUND, 409: SUBMITTED,
    })
    def post(self, request, company_slug, audit_pk):
        audit = self.answerable_audit()
        try:
            services.audit_submit(audit=audit, by=request.user)
        except services.AuditNotEditable:
            raise
        except ValidationError as error:
            missing = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
            return Response({"detail": _("Answer every required question before submitting."), "missing": missing},
                            status=status.HTTP_400_BAD_REQUEST)
        return self.detail_response(audit)


class AuditReopenView(DepartmentAuditAPIView):
    """An admin reopens a submitted audit with a reason; its department head can answer and submit again."""

    required_permission = "manage_audits"
    serializer_class = DepartmentAuditDetailSerializer
    http_method_names = ["post", "options"]

    @extend_schema(request=ReopenInputSerializer,
                   responses={200: DepartmentAuditDetailSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND})
    def post(self, request, company_slug, audit_pk):
        audit = self.audit()
        data = self.validated(ReopenInputSerializer)
        services.audit_reopen(audit=audit, by=request.user, reason=data["reason"])
        return self.detail_response(audit)


class AuditScoresView(DepartmentAuditAPIView):
    """The audit's stored factor scores (empty until it is submitted)."""

    serializer_class = AuditScoresSerializer

    @extend_schema(responses={200: AuditScoresSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, company_slug, audit_pk):
        audit = self.audit()
        scores = audit.factor_scores.select_related("factor").order_by("factor__position")
        return Response(AuditScoresSerializer({"id": audit.pk, "status": audit.status, "factor_scores": scores}).data)


# ---------------------------------------------------------------- action items

def visible_action_items(membership):
    """Admins and executives see every item; department heads theirs and their department's (as on the pages)."""
    items = ActionItem.objects.filter(company=membership.company)
    if membership.can("manage_action_items"):
        return items
    mine = Q(owner=membership)
    if membership.role == Role.DEPARTMENT_HEAD and membership.department_id:
        mine |= Q(audit__department_id=membership.department_id) | Q(owner__department_id=membership.department_id)
    return items.filter(mine)


class ActionItemFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ActionStatus.choices)
    factor = filters.ChoiceFilter(field_name="factor__key", choices=FactorKey.choices)
    owner = filters.NumberFilter(field_name="owner_id", min_value=1, max_value=MAX_ID)
    round = filters.NumberFilter(field_name="round_id", min_value=1, max_value=MAX_ID)
    audit = filters.NumberFilter(field_name="audit_id", min_value=1, max_value=MAX_ID)
    open = StrictBooleanFilter(method="filter_open", label="Only open / in-progress items (true) or closed (false)")
    overdue = StrictBooleanFilter(method="filter_overdue", label="Open items past their due date")
    mine = StrictBooleanFilter(method="filter_mine", label="Only items I own")

    class Meta:
        model = ActionItem
        fields = ["status", "factor", "owner", "round", "audit"]

    def filter_open(self, queryset, name, value):
        open_items = Q(status__in=[ActionStatus.OPEN, ActionStatus.IN_PROGRESS])
        return queryset.filter(open_items) if value else queryset.exclude(open_items)

    def filter_overdue(self, queryset, name, value):
        company = self.request.company
        overdue = selectors.action_items_of(company=company, overdue=True).values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)

    def filter_mine(self, queryset, name, value):
        membership = self.request._request.membership
        return queryset.filter(owner=membership) if value else queryset.exclude(owner=membership)


class ActionItemAPIView(CompanyAPIView):
    required_permission = {"POST": "manage_action_items", "DELETE": "manage_action_items", "*": "view_action_items"}
    model = ActionItem
    serializer_class = ActionItemOutputSerializer

    def company_queryset(self):
        return (
            selectors.action_items_of(company=self.company)
            .filter(pk__in=visible_action_items(self.membership).values("pk"))
        )

    def item(self):
        """The company's item (404) if this member sees it (403)."""
        item = get_object_or_404(self.company.action_items.all(), pk=self.kwargs["action_item_pk"])
        if not visible_action_items(self.membership).filter(pk=item.pk).exists():
            raise exceptions.PermissionDenied
        return item


class ActionItemListView(ActionItemAPIView):
    """Action items this member sees, with filters; admins and executives raise new ones."""

    filterset_class = ActionItemFilter

    @extend_schema(responses=ActionItemOutputSerializer(many=True))
    def get(self, request, company_slug):
        return self.paginated(self.filter_queryset(self.get_queryset()), ActionItemOutputSerializer)

    @extend_schema(request=ActionItemCreateSerializer,
                   responses={201: ActionItemOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN})
    def post(self, request, company_slug):
        data = self.validated(ActionItemCreateSerializer)
        item = services.action_item_create(company=self.company, by=request.user, **data)
        return Response(ActionItemOutputSerializer(item).data, status=status.HTTP_201_CREATED)


class ActionItemDetailView(ActionItemAPIView):
    """One item. Admins and executives change every field; its owner changes only the status.

    DELETE does not remove the row: it marks the item "dropped" (history and per-factor counts keep it).
    """

    @extend_schema(responses={200: ActionItemOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, company_slug, action_item_pk):
        return Response(ActionItemOutputSerializer(self.item()).data)

    @extend_schema(request=ActionItemUpdateSerializer,
                   responses={200: ActionItemOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND})
    def put(self, request, company_slug, action_item_pk):
        return self.update(partial=False)

    @extend_schema(request=ActionItemUpdateSerializer,
                   responses={200: ActionItemOutputSerializer, 400: BAD_INPUT, 403: FORBIDDEN, 404: NOT_FOUND})
    def patch(self, request, company_slug, action_item_pk):
        return self.update(partial=True)

    @extend_schema(description="Marks the item dropped (the row and its history stay).",
                   responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND})
    def delete(self, request, company_slug, action_item_pk):
        item = self.item()
        if item.status != ActionStatus.DROPPED:
            services.action_item_update(item=item, by=request.user, status=ActionStatus.DROPPED)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def update(self, *, partial):
        item = self.item()
        fields = self.validated(ActionItemUpdateSerializer, partial=partial)
        if not self.membership.can("manage_action_items"):
            if item.owner_id != self.membership.pk or set(fields) - {"status"}:
                raise exceptions.PermissionDenied(_("As the owner you may change only the status."))
        services.action_item_update(item=item, by=self.request.user, expected_version=if_match(self.request), **fields)
        return Response(ActionItemOutputSerializer(self.company_queryset().get(pk=item.pk)).data)
