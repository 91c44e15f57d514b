"""Knowledge checks through the API, under /api/v1/companies/<company_slug>/scorecards/knowledge-checks/.

The same services and access rules as the knowledge pages (scorecards.views): the admin and the head of sales
write checks and their questions and see drafts; a sales manager reads the open checks and takes one (the
correct options never reach them); everyone else gets 403.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from accounts.api import NOT_FOUND
from accounts.models import Role

from . import access, selectors, services
from .api import ScorecardAPIView
from .models import KnowledgeAttempt, KnowledgeCheck, KnowledgeQuestion

FORBIDDEN = OpenApiResponse(description="Only the admin and the head of sales write checks; only a sales manager "
                                        "takes one.")
MAX_ID = 2**63 - 1
MAX_OPTIONS = 10


# ---------------------------------------------------------------- serializers

class KnowledgeQuestionOutputSerializer(serializers.ModelSerializer):
    options = serializers.ListField(child=serializers.CharField())
    correct_option = serializers.SerializerMethodField(
        help_text="Index (from 0) into `options`; null for a sales manager, who takes the check.")

    class Meta:
        model = KnowledgeQuestion
        fields = ["id", "position", "text", "options", "correct_option"]

    def get_correct_option(self, question) -> int | None:
        return None if self.context.get("hide_answers") else question.correct_option


class KnowledgeCheckOutputSerializer(serializers.ModelSerializer):
    question_count = serializers.IntegerField()

    class Meta:
        model = KnowledgeCheck
        fields = ["id", "title", "description", "is_published", "question_count", "created_at"]


class KnowledgeCheckDetailSerializer(KnowledgeCheckOutputSerializer):
    questions = KnowledgeQuestionOutputSerializer(many=True)

    class Meta(KnowledgeCheckOutputSerializer.Meta):
        fields = [*KnowledgeCheckOutputSerializer.Meta.fields, "questions"]


class KnowledgeCheckCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class KnowledgeCheckUpdateSerializer(KnowledgeCheckCreateSerializer):
    is_published = serializers.BooleanField(
        required=False, default=False, help_text="Open for managers; a check needs a question first.")


class KnowledgeQuestionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    options = serializers.ListField(child=serializers.CharField(max_length=500), min_length=2, max_length=MAX_OPTIONS,
                                    help_text="The answers to choose from, in order (2 or more, none blank).")
    correct_option = serializers.IntegerField(min_value=0, max_value=MAX_OPTIONS - 1,
                                              help_text="Index (from 0) of the correct entry of `options`.")


class AttemptAnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="A question id of this check.")
    option = serializers.IntegerField(min_value=0, max_value=MAX_OPTIONS - 1,
                                      help_text="Index (from 0) of the chosen entry of the question's `options`.")


class AttemptInputSerializer(serializers.Serializer):
    answers = AttemptAnswerSerializer(many=True, max_length=1000,
                                      help_text="One entry per answered question; an unanswered question counts "
                                                "as wrong.")

    def validate_answers(self, answers):
        seen = [answer["question"] for answer in answers]
        if len(seen) != len(set(seen)):
            raise serializers.ValidationError(_("Answer each question once."))
        return answers


class AttemptOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = KnowledgeAttempt
        fields = ["id", "knowledge_check", "manager", "period", "correct", "total", "score", "taken_at"]


# ---------------------------------------------------------------- views

class KnowledgeAPIView(ScorecardAPIView):
    model = KnowledgeCheck

    def manages(self):
        return access.may_manage_team(self.membership)

    def require_reader(self):
        """The knowledge list page's rule: the admin and the head of sales, and sales managers."""
        if not self.manages() and self.membership.role != Role.SALES_MANAGER:
            raise PermissionDenied

    def company_queryset(self):
        return selectors.knowledge_checks_of(company=self.company, published_only=not self.manages())

    def check_to_read(self):
        """The check named in the URL as its reader sees it: a draft does not exist for a sales manager."""
        self.require_reader()
        return self._check(published_only=not self.manages())

    def check_to_edit(self):
        access.require_team_management(self.membership)
        return self._check(published_only=False)

    def _check(self, *, published_only):
        check = selectors.knowledge_check_of(company=self.company, pk=self.kwargs["knowledge_check_pk"],
                                             published_only=published_only)
        if check is None:
            raise Http404
        return check

    def detail_response(self, check, code=status.HTTP_200_OK):
        check = selectors.knowledge_check_of(company=self.company, pk=check.pk)  # re-read: counts as stored
        context = {"hide_answers": not self.manages()}
        return Response(KnowledgeCheckDetailSerializer(check, context=context).data, status=code)


class KnowledgeCheckListView(KnowledgeAPIView):
    """Knowledge checks, newest first: every one for the admin and the head of sales, the open ones for a sales
    manager. POST writes a new check (a draft; add questions, then open it with `is_published`)."""

    serializer_class = KnowledgeCheckOutputSerializer

    @extend_schema(responses={200: KnowledgeCheckOutputSerializer(many=True), 403: FORBIDDEN})
    def get(self, request, company_slug):
        self.require_reader()
        return self.paginated(self.get_queryset(), KnowledgeCheckOutputSerializer)

    @extend_schema(request=KnowledgeCheckCreateSerializer,
                   responses={201: KnowledgeCheckDetailSerializer, 403: FORBIDDEN})
    def post(self, request, company_slug):
        access.require_team_management(self.membership)
        data = self.validated(KnowledgeCheckCreateSerializer)
        check = services.knowledge_check_create(company=self.company, by=request.user, **data)
        return self.detail_response(check, status.HTTP_201_CREATED)


class KnowledgeCheckDetailView(KnowledgeAPIView):
    """One knowledge check with its questions. PUT and PATCH change its title, description and whether it is
    open for managers (admin, head of sales)."""

    serializer_class = KnowledgeCheckDetailSerializer

    @extend_schema(responses={200: KnowledgeCheckDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def get(self, request, company_slug, knowledge_check_pk):
        return self.detail_response(self.check_to_read())

    @extend_schema(request=KnowledgeCheckUpdateSerializer,
                   responses={200: KnowledgeCheckDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def put(self, request, company_slug, knowledge_check_pk):
        return self.update(partial=False)

    @extend_schema(request=KnowledgeCheckUpdateSerializer,
                   responses={200: KnowledgeCheckDetailSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def patch(self, request, company_slug, knowledge_check_pk):
        return self.update(partial=True)

    def update(self, *, partial):
        check = self.check_to_edit()
        current = {"title": check.title, "description": check.description, "is_published": check.is_published}
        data = self.validated(KnowledgeCheckUpdateSerializer, partial=partial, instance_data=current)
        services.knowledge_check_update(check=check, **data)
        return self.detail_response(check)


class KnowledgeQuestionListView(KnowledgeAPIView):
    """Add a question to the check, at the end (admin, head of sales)."""

    serializer_class = KnowledgeQuestionInputSerializer

    @extend_schema(request=KnowledgeQuestionInputSerializer,
                   responses={201: KnowledgeQuestionOutputSerializer, 403: FORBIDDEN, 404: NOT_FOUND})
    def post(self, request, company_slug, knowledge_check_pk):
        check = self.check_to_edit()
        data = self.validated(KnowledgeQuestionInputSerializer)
        question = services.knowledge_question_add(check=check, **data)
        return Response(KnowledgeQuestionOutputSerializer(question).data, status=status.HTTP_201_CREATED)


class KnowledgeQuestionDetailView(KnowledgeAPIView):
    """Delete a question of the check (admin, head of sales)."""

    serializer_class = KnowledgeQuestionOutputSerializer

    @extend_schema(responses={204: None, 403: FORBIDDEN, 404: NOT_FOUND})
    def delete(self, request, company_slug, knowledge_check_pk, knowledge_question_pk):
        check = self.check_to_edit()
        question = selectors.knowledge_question_of(company=self.company, pk=knowledge_question_pk, check=check)
        if question is None:
            raise Http404
        services.knowledge_question_delete(question=question)
        return Response(status=status.HTTP_204_NO_CONTENT)


class KnowledgeAttemptView(KnowledgeAPIView):
    """A sales manager takes an open check: the answers are graded at once and the attempt counts towards
    today's period. The response gives the score, never the correct options."""

    required_permission = "enter_own_activity"
    serializer_class = AttemptInputSerializer

    @extend_schema(request=AttemptInputSerializer, responses={
        201: AttemptOutputSerializer, 403: FORBIDDEN,
        400: OpenApiResponse(description='Field errors; a question the check does not ask or an option it does '
                                         'not have: {"answers": {"<question id>": [...]}}.'),
        404: NOT_FOUND})
    def post(self, request, company_slug, knowledge_check_pk):
        check = self._check(published_only=True)
        data = self.validated(AttemptInputSerializer)
        answers = {answer["question"]: answer["option"] for answer in data["answers"]}
        try:
            attempt = services.knowledge_attempt_submit(check=check, manager=self.membership, answers=answers)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                raise
            raise serializers.ValidationError({"answers": error.message_dict}) from None
        return Response(AttemptOutputSerializer(attempt).data, status=status.HTTP_201_CREATED)
