"""reporting's events: only to itself (an export to run as a job)."""
from marshmallow import fields

from services.common.events import Payload, catalogue, event


class ReportExportRequested(Payload):
    """reporting to itself: write a report's .xlsx (a job)."""
    job_id = fields.Integer(required=True)


CATALOGUE = catalogue(
    event("report_export_requested", ReportExportRequested, "job", "job_id"),
)
