"""E-mails about proposed matches, sent by the task worker once the run is stored."""

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from d4sme.core.tasks import email_send
from d4sme.registry.selectors import organisation_members


def _send(user, subject: str, body: str) -> None:
    message = {"subject": str(subject), "body": str(body), "to": [user.email]}
    transaction.on_commit(lambda: email_send.enqueue(**message))


def notify_supplier_pairs(run) -> None:
    """Tell the members of each proposed pair's buyer and supplier to answer it."""
    for pair in run.supplier_pairs.select_related("need__buyer", "offer__supplier"):
        for firm in (pair.need.buyer, pair.offer.supplier):
            for user in organisation_members(organisation=firm):
                with translation.override(user.preferred_language or "en"):
                    _send(
                        user,
                        _("A supplier pair is proposed: %(need)s") % {"need": pair.need.title},
                        _(
                            "%(supplier)s is proposed to supply %(volume)s units a year of "
                            "%(need)s to %(buyer)s. Accept or decline it on the Suppliers page."
                        )
                        % {
                            "supplier": pair.offer.supplier.legal_name,
                            "volume": pair.volume,
                            "need": pair.need.title,
                            "buyer": pair.need.buyer.legal_name,
                        },
                    )


def notify_job_matches(run) -> None:
    """Tell each matched candidate and the members of the employing firm."""
    for match in run.job_matches.select_related("candidate__user", "job__organisation"):
        job = match.job
        recipients = [match.candidate.user, *organisation_members(organisation=job.organisation)]
        for user in recipients:
            with translation.override(user.preferred_language or "en"):
                _send(
                    user,
                    _("A digital job match is proposed: %(job)s") % {"job": job.title},
                    _(
                        "The matching of young people and digital jobs proposes %(candidate)s "
                        "for %(job)s at %(firm)s. See it on the Digital jobs page."
                    )
                    % {
                        "candidate": match.candidate.display_name,
                        "job": job.title,
                        "firm": job.organisation.legal_name,
                    },
                )
