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


class SummarySerializer(serializers.Serializer):
    period = serializers.CharField(allow_null=True, help_text="The latest round in range.")
    system_index = serializers.FloatField(allow_null=True)
    index_change = serializers.FloatField(allow_null=True, help_text="Points since the previous round.")
    completion = serializers.FloatField(allow_null=True, help_text="Share of department audits submitted (0–1).")
    sentences = serializers.ListField(child=serializers.CharField(), help_text="Plain sentences, most important first.")
    weakest = ObjectField(allow_null=True)
    filters = ObjectField()


class DataSerializer(serializers.Serializer):
    rounds = serializers.ListField(child=ObjectField())
    factors = serializers.ListField(child=ObjectField())
    latest_vs_previous = ObjectField()
    heatmap = ObjectField()
    completion_by_department = serializers.ListField(child=ObjectField())
    department_series = serializers.ListField(
        child=ObjectField(), help_text="Mean score per department in the latest two rounds with submissions.")
    open_actions = serializers.ListField(child=ObjectField())
    movers = ObjectField()
    weakest = ObjectField(allow_null=True)
    sentences = serializers.ListField(child=serializers.CharField())
    filters = ObjectField()


FILTER_PARAMETERS = [
    OpenApiParameter("from", str, description="First period of the range, e.g. 2025-Q1 (also 2025-11, 2025-H2, 2025)."),
    OpenApiParameter("to", str, description="Last period of the range; not before `from`."),
    OpenApiParameter("department", int, description="A department of this company."),
    OpenApiParameter("round", str, description="The round for the heatmap (default: the latest in range)."),
    OpenApiParameter("factor", str, description="A factor key, for the factor drill-down chart."),
]
