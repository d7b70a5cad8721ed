"""Cases built for tests."""

from django.utils.crypto import get_random_string
from django.utils.text import slugify

from d4sme.casestudies.models import Case
from d4sme.casestudies.services import search_text_of


def make_case(author, title: str, *, status: str = "draft", language: str = "en", **fields) -> Case:
    case = Case(
        code=f"{slugify(title)}-{get_random_string(4).lower()}",
        author=author,
        economy_id=fields.pop("economy", "KR"),
        isic_section=fields.pop("isic_section", "C"),
        size_class=fields.pop("size_class", "micro"),
        period=fields.pop("period", "covid-19"),
        language=language,
        title=title,
        summary=fields.pop("summary", f"{title}: what happened."),
        challenges=fields.pop("challenges", "Orders came by phone only."),
        solutions=fields.pop("solutions", "An online shop."),
        consent=fields.pop("consent", True),
        status=status,
        **fields,
    )
    case.search_text = search_text_of(case)
    case.save()
    return case
