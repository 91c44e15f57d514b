"""API input and output serializers of the audits domain. Shapes and bounds only; the rules live in audits.services."""

import os

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.serializers import CompanyRelatedField

from .models import (
    ActionItem,
    ActionStatus,
    Answer,
    AuditStatus,
    AuditTransition,
    Cadence,
    DepartmentAudit,
    Factor,
    FactorKey,
    FactorScore,
    Question,
    QuestionKind,
    Questionnaire,
    Round,
    RoundFactorScore,
)
from .services import MAX_TEXT_ANSWER, NA_WITH_VALUE

MAX_ID = 2**63 - 1
MAX_BULK_ANSWERS = 500


class FactorKeyField(serializers.SlugRelatedField):
    """A factor named by its catalogue key (`sales_tech`); the catalogue is global, so no tenant query."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="key", queryset=Factor.objects.all(), **kwargs)


# ---------------------------------------------------------------- factors

class FactorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text="In the request's language.")
    description = serializers.CharField(read_only=True)

    class Meta:
        model = Factor
        fields = ["key", "position", "name", "description", "name_en", "name_ru", "description_en", "description_ru"]


# ---------------------------------------------------------------- questionnaires and questions

class ScaleLabelsSerializer(serializers.Serializer):
    """Five labels (for 1 to 5) per language."""

    en = serializers.ListField(child=serializers.CharField(max_length=120), min_length=5, max_length=5, required=False)
    ru = serializers.ListField(child=serializers.CharField(max_length=120), min_length=5, max_length=5, required=False)


class QuestionOutputSerializer(serializers.ModelSerializer):
    factor = serializers.SlugRelatedField(slug_field="key", read_only=True)
    scale_labels = ScaleLabelsSerializer(read_only=True)

    class Meta:
        model = Question
        fields = ["id", "factor", "key", "position", "kind", "text_en", "text_ru", "help_en", "help_ru",
                  "scale_labels", "weight", "required", "lock_version"]


class QuestionInputSerializer(serializers.Serializer):
    factor = FactorKeyField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    text_en = serializers.CharField(max_length=500)
    text_ru = serializers.CharField(max_length=500)
    help_en = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    help_ru = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    scale_labels = ScaleLabelsSerializer(required=False, default=dict)
    weight = serializers.IntegerField(min_value=1, max_value=10, required=False, default=1)
    required = serializers.BooleanField(required=False, default=True)
    key = serializers.SlugField(max_length=60, allow_blank=True, required=False, default="")
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class QuestionnaireOutputSerializer(serializers.ModelSerializer):
    question_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Questionnaire
        fields = ["id", "version", "title", "status", "based_on", "created_at", "published_at", "question_count",
                  "lock_version"]


class QuestionnaireDetailSerializer(QuestionnaireOutputSerializer):
    questions = QuestionOutputSerializer(many=True, read_only=True)

    class Meta(QuestionnaireOutputSerializer.Meta):
        fields = [*QuestionnaireOutputSerializer.Meta.fields, "questions"]


class QuestionnaireInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)


# ---------------------------------------------------------------- matrix

class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class MatrixRowOutputSerializer(serializers.Serializer):
    factor = serializers.CharField(source="factor.key")
    factor_name = serializers.CharField(source="factor.name")
    accountable = DepartmentRefSerializer(allow_null=True)
    contributing = DepartmentRefSerializer(many=True)


class MatrixOutputSerializer(serializers.Serializer):
    rows = MatrixRowOutputSerializer(many=True)


class MatrixRowInputSerializer(serializers.Serializer):
    factor = serializers.ChoiceField(choices=FactorKey.choices)
    accountable = CompanyRelatedField("departments", help_text="The one accountable department's id.")
    contributing = serializers.ListField(
        child=CompanyRelatedField("departments"), required=False, default=list, max_length=100,
        help_text="Ids of contributing departments.",
    )


class MatrixInputSerializer(serializers.Serializer):
    rows = MatrixRowInputSerializer(many=True, max_length=len(FactorKey.values), help_text="One row per factor, all seven.")

    def validate_rows(self, rows):
        keys = [row["factor"] for row in rows]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise serializers.ValidationError(_("Each factor appears once; repeated: %(keys)s.") % {"keys": ", ".join(duplicates)})
        return rows


class MatrixProposeOutputSerializer(MatrixOutputSerializer):
    changed = serializers.IntegerField(help_text="How many cells the proposal changed.")


# ---------------------------------------------------------------- schedule

class ScheduleOutputSerializer(serializers.Serializer):
    cadence = serializers.ChoiceField(choices=Cadence.choices)
    opening_day = serializers.IntegerField()
    answer_window_days = serializers.IntegerField()
    is_active = serializers.BooleanField()
    timezone = serializers.CharField(help_text="The company's timezone; rounds open at midnight in it.")
    current_period = serializers.CharField()
    next_period = serializers.CharField(help_text="The next period whose round the schedule opens.")
    next_opening = serializers.DateTimeField(help_text="When that round opens, in the company's timezone.")
    lock_version = serializers.IntegerField(help_text='Edit version; send it back as If-Match: "<n>" (also the ETag).')


class ScheduleInputSerializer(serializers.Serializer):
    cadence = serializers.ChoiceField(choices=Cadence.choices)
    opening_day = serializers.IntegerField(min_value=1, max_value=28)
    answer_window_days = serializers.IntegerField(min_value=1, max_value=90)
    is_active = serializers.BooleanField()


# ---------------------------------------------------------------- rounds and scores

class RoundFactorScoreSerializer(serializers.ModelSerializer):
    factor = serializers.SlugRelatedField(slug_field="key", read_only=True)
    accountable_department = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = RoundFactorScore
        fields = ["factor", "score", "departments_answered", "accountable_department"]


class RoundOutputSerializer(serializers.ModelSerializer):
    questionnaire_version = serializers.IntegerField(source="questionnaire.version", read_only=True)
    completion = serializers.FloatField(read_only=True, allow_null=True, help_text="Submitted / expected, 0–1.")

    class Meta:
        model = Round
        fields = ["id", "period", "period_start", "period_end", "questionnaire", "questionnaire_version", "opened_at",
                  "deadline", "system_index", "expected_count", "submitted_count", "completion"]


class RoundAuditSummarySerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = DepartmentAudit
        fields = ["id", "department", "department_name", "status", "deadline", "submitted_at"]


class RoundDetailSerializer(RoundOutputSerializer):
    factor_scores = serializers.SerializerMethodField()
    audits = serializers.SerializerMethodField()

    class Meta(RoundOutputSerializer.Meta):
        fields = [*RoundOutputSerializer.Meta.fields, "factor_scores", "audits"]

    @extend_schema_field(RoundFactorScoreSerializer(many=True))
    def get_factor_scores(self, round):
        return RoundFactorScoreSerializer(self.context["factor_scores"], many=True).data

    @extend_schema_field(RoundAuditSummarySerializer(many=True))
    def get_audits(self, round):
        return RoundAuditSummarySerializer(self.context["audits"], many=True).data


class RoundScoresSerializer(serializers.Serializer):
    round = serializers.IntegerField(source="id")
    period = serializers.CharField()
    system_index = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    completion = serializers.FloatField(allow_null=True)
    factor_scores = RoundFactorScoreSerializer(many=True)


class RoundOpenInputSerializer(serializers.Serializer):
    period = serializers.CharField(
        max_length=10, required=False, allow_blank=True,
        help_text="2026-Q4, 2026-11, 2026-H2 or 2026 (the schedule's cadence); default: the current period.",
    )


# ---------------------------------------------------------------- department audits and answers

class FactorScoreSerializer(serializers.ModelSerializer):
    factor = serializers.SlugRelatedField(slug_field="key", read_only=True)

    class Meta:
        model = FactorScore
        fields = ["factor", "score", "scored_answers"]


class AnswerOutputSerializer(serializers.ModelSerializer):
    """The answer as stored (every save answers with it): `updated_at` changes with every stored change."""

    has_evidence_file = serializers.SerializerMethodField()
    evidence_file_name = serializers.SerializerMethodField()

    class Meta:
        model = Answer
        fields = ["id", "question", "scale_value", "bool_value", "number_value", "text_value", "not_applicable",
                  "comment", "evidence_url", "has_evidence_file", "evidence_file_name", "updated_at", "updated_by"]

    def get_has_evidence_file(self, answer) -> bool:
        return bool(answer.evidence_file)

    def get_evidence_file_name(self, answer) -> str:
        return os.path.basename(answer.evidence_file.name) if answer.evidence_file else ""


class TransitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditTransition
        fields = ["from_status", "to_status", "by", "at", "reason"]


class DepartmentAuditOutputSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="round.period", read_only=True)
    department_name = serializers.CharField(source="department.name", read_only=True)
    factors = serializers.SlugRelatedField(slug_field="key", many=True, read_only=True)

    class Meta:
        model = DepartmentAudit
        fields = ["id", "round", "period", "department", "department_name", "status", "deadline", "submitted_at",
                  "first_submitted_at", "factors"]


class ProgressSerializer(serializers.Serializer):
    answered = serializers.IntegerField()
    total = serializers.IntegerField()


class DepartmentAuditDetailSerializer(DepartmentAuditOutputSerializer):
    questionnaire = serializers.IntegerField(source="round.questionnaire_id", read_only=True)
    questionnaire_version = serializers.IntegerField(source="round.questionnaire.version", read_only=True)
    questions = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()
    factor_scores = FactorScoreSerializer(many=True, read_only=True)
    progress = serializers.SerializerMethodField()
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta(DepartmentAuditOutputSerializer.Meta):
        fields = [*DepartmentAuditOutputSerializer.Meta.fields, "questionnaire", "questionnaire_version",
                  "questions", "answers", "factor_scores", "progress", "transitions"]

    @extend_schema_field(QuestionOutputSerializer(many=True))
    def get_questions(self, audit):
        return QuestionOutputSerializer(self.context["questions"], many=True).data

    @extend_schema_field(AnswerOutputSerializer(many=True))
    def get_answers(self, audit):
        return AnswerOutputSerializer(self.context["answers"], many=True).data

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, audit):
        questions = {question.pk for question in self.context["questions"]}
        answered = sum(1 for answer in self.context["answers"] if answer.question_id in questions and answer.is_answered)
        return {"answered": answered, "total": len(questions)}


class AuditScoresSerializer(serializers.Serializer):
    audit = serializers.IntegerField(source="id")
    status = serializers.ChoiceField(choices=AuditStatus.choices)
    factor_scores = FactorScoreSerializer(many=True)


class AnswerInputSerializer(serializers.Serializer):
    """One answer; it replaces the whole stored answer to that question (omitted values are cleared)."""

    question = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    scale_value = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    bool_value = serializers.BooleanField(required=False, allow_null=True)
    number_value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    text_value = serializers.CharField(max_length=MAX_TEXT_ANSWER, required=False, allow_blank=True, trim_whitespace=True)
    not_applicable = serializers.BooleanField(required=False, default=False)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    evidence_url = serializers.URLField(max_length=500, required=False, allow_blank=True)

    VALUE_NAMES = ("scale_value", "bool_value", "number_value", "text_value")

    def validate(self, attrs):
        """A value together with not_applicable is refused on the field (never silently dropped)."""
        if attrs.get("not_applicable") and any(
                attrs.get(name) not in (None, "") for name in self.VALUE_NAMES):
            raise serializers.ValidationError({"not_applicable": [str(NA_WITH_VALUE)]}, code="na_with_value")
        return attrs


class AnswersBulkInputSerializer(serializers.Serializer):
    answers = AnswerInputSerializer(many=True, allow_empty=False, max_length=MAX_BULK_ANSWERS)


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False, max_length=200,
                                 help_text="PDF, PNG, JPG, DOCX, XLSX, CSV or TXT, up to 10 MB.")


class AnswersBulkOutputSerializer(serializers.Serializer):
    saved = serializers.IntegerField()
    answers = AnswerOutputSerializer(many=True)
    progress = ProgressSerializer()


class CopyPreviousOutputSerializer(serializers.Serializer):
    copied = serializers.IntegerField(help_text="Answers copied from the last round (0 when nothing was left to copy).")
    answers = AnswerOutputSerializer(many=True, help_text="Every answer of the audit as now stored.")
    progress = ProgressSerializer()


class ReopenInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


# ---------------------------------------------------------------- action items

class ActionItemOutputSerializer(serializers.ModelSerializer):
    factor = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)  # optional on the model
    owner_email = serializers.EmailField(source="owner.user.email", allow_null=True, default=None, read_only=True)

    class Meta:
        model = ActionItem
        fields = ["id", "title", "description", "factor", "owner", "owner_email", "due_date", "status", "round",
                  "audit", "answer", "created_by", "created_at", "updated_at", "closed_at", "lock_version"]


@extend_schema_field(OpenApiTypes.INT)
class CompanyRowField(CompanyRelatedField):
    """A related row by id among the company's own (`DepartmentAudit.objects` through the company's scope)."""

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(related_name="", **kwargs)

    def get_queryset(self):
        return self.model.objects.filter(company=self.context["request"].company)


class ActionItemFieldsSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")
    factor = FactorKeyField(allow_null=True, required=False, default=None)
    owner = CompanyRelatedField("memberships", allow_null=True, required=False, default=None,
                                help_text="An active member's id (membership).")
    due_date = serializers.DateField(allow_null=True, required=False, default=None)


class ActionItemCreateSerializer(ActionItemFieldsSerializer):
    """A new item, optionally raised from a round, an audit or an answer (ids of this company)."""

    round = CompanyRelatedField("audit_rounds", allow_null=True, required=False, default=None)
    audit = CompanyRowField(DepartmentAudit, allow_null=True, required=False, default=None)
    answer = CompanyRowField(Answer, allow_null=True, required=False, default=None)


class ActionItemUpdateSerializer(ActionItemFieldsSerializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
