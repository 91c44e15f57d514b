"""Response shapes of the dashboard API, for the OpenAPI schema."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers


@extend_schema_field(OpenApiTypes.OBJECT)
class ObjectField(serializers.JSONField):
    pass


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}], "nullable": True})
class CellField(serializers.JSONField):
    """One table cell: a label, a number or empty."""


class TableSerializer(serializers.Serializer):
    caption = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField(child=CellField(allow_null=True)))
    row_links = serializers.ListField(child=serializers.CharField(allow_blank=True), allow_null=True,
                                      help_text="A URL per row for its first cell (heatmap: the audit), or null.")


class ChartSerializer(serializers.Serializer):
    chart = serializers.CharField(help_text="The chart's name.")
    title = serializers.CharField()
    summary = serializers.CharField(help_text="A one-sentence text summary of the chart.")
    figure = ObjectField(help_text="A Plotly figure: {data: [...], layout: {...}}; draw with Plotly.react.")
    table = TableSerializer(help_text="The chart's data as a table (the accessible alternative).")


class CoverageSerializer(serializers.Serializer):
    departments_answered = serializers.IntegerField()
    departments_expected = serializers.IntegerField()
    factors_scored = serializers.IntegerField()
    factors_total = serializers.IntegerField()
    answers_scored = serializers.IntegerField(allow_null=True)
    questions_asked = serializers.IntegerField(allow_null=True)


class SentenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["team", "index", "weak", "none_weak", "factor_change", "steady", "weak_part", "department_change",
                 "provisional", "completion", "late_department"])
    text = serializers.CharField(help_text="The sentence as the page shows it, in the request's language.")
    period = serializers.CharField(allow_null=True)
    factor = serializers.CharField(allow_null=True, help_text="A factor key, when the sentence is about one.")
    department = serializers.CharField(allow_null=True)
    values = ObjectField(help_text="The numbers of the sentence, rounded as displayed (half-up whole points).")
    provisional = serializers.BooleanField(help_text="True when the sentence rests on a round still open.")
    coverage = CoverageSerializer(allow_null=True)


class SummarySerializer(serializers.Serializer):
    period = serializers.CharField(allow_null=True, help_text="The latest final round in range.")
    status = serializers.ChoiceField(choices=["final", "incomplete"], allow_null=True)
    system_index = serializers.FloatField(allow_null=True, help_text="Stored value (two decimals).")
    system_index_display = serializers.IntegerField(allow_null=True, help_text="As displayed: half-up whole points.")
    index_change = ObjectField(allow_null=True, help_text="The index's latest run: direction rose/fell/steady, "
                                                          "start and end, threshold, common departments.")
    coverage = CoverageSerializer(allow_null=True)
    completion = serializers.FloatField(allow_null=True, help_text="Share of department audits submitted (0–1).")
    provisional = ObjectField(allow_null=True, help_text="The open round's provisional figure, if any.")
    sentences = SentenceSerializer(many=True, help_text="Every sentence the page shows, most important first.")
    weak = serializers.ListField(child=ObjectField(), help_text="Factors under the weak threshold (ties: all).")
    lowest = serializers.ListField(child=ObjectField(), help_text="When none is weak: the lowest factors (ties: all).")
    rules = ObjectField(help_text="The thresholds used (see the How we compute page).")
    filters = ObjectField()


class DataSerializer(serializers.Serializer):
    rounds = serializers.ListField(child=ObjectField())
    factors = serializers.ListField(child=ObjectField())
    latest_vs_previous = ObjectField()
    heatmap = ObjectField()
    completion_by_department = serializers.ListField(child=ObjectField())
    department_series = serializers.ListField(
        child=ObjectField(), help_text="Mean factor score per department and final round in range.")
    open_actions = serializers.ListField(child=ObjectField())
    movers = ObjectField()
    story = ObjectField(help_text="The one computation: round figures with coverage, changes, weak items.")
    sentences = SentenceSerializer(many=True)
    filters = ObjectField()


class DashboardSettingsSerializer(serializers.Serializer):
    show_company_lines_to_heads = serializers.BooleanField(required=False)
    weak_threshold = serializers.IntegerField(min_value=1, max_value=100, required=False)
    change_threshold = serializers.IntegerField(min_value=1, max_value=100, required=False, allow_null=True,
                                                help_text="Null: derived from each factor's wobble.")
    min_coverage = serializers.IntegerField(min_value=1, max_value=100, required=False)


FILTER_PARAMETERS = [
    OpenApiParameter("from", str, description="First period of the range, e.g. 2025-Q1 (also 2025-11, 2025-H2, 2025)."),
    OpenApiParameter("to", str, description="Last period of the range; not before `from`."),
    OpenApiParameter("department", int, description="A department of this company."),
    OpenApiParameter("round", str, description="The round for the heatmap (default: the latest in range)."),
    OpenApiParameter("factor", str, description="A factor key, for the factor drill-down chart."),
]
