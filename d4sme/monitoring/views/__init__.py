"""Pages of KPI monitoring, one module per part: the plan and its dashboards, reporting, the
review of a report, review packs, proposals and downloads. urls.py reaches them all here."""

from .dashboards import dashboard, framework_detail, home, indicator_detail, targets
from .downloads import import_template, sdmx_data, sdmx_structure
from .proposals import proposal_list, proposal_new
from .reporting import (
    import_new,
    reporting,
    submission_detail,
    submission_history,
    submission_start,
    value_evidence,
)
from .review import question_answer, question_ask, question_resolve, submission_move
from .review_packs import review_detail, review_list, review_pdf, review_section

__all__ = [
    "dashboard",
    "framework_detail",
    "home",
    "import_new",
    "import_template",
    "indicator_detail",
    "proposal_list",
    "proposal_new",
    "question_answer",
    "question_ask",
    "question_resolve",
    "reporting",
    "review_detail",
    "review_list",
    "review_pdf",
    "review_section",
    "sdmx_data",
    "sdmx_structure",
    "submission_detail",
    "submission_history",
    "submission_move",
    "submission_start",
    "targets",
    "value_evidence",
]
