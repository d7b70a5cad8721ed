"""Background tasks every app may enqueue; a `d4sme db_worker` process runs them."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def email_send(*, subject: str, body: str, to: list[str], html_body: str | None = None) -> int:
    """Send one e-mail; return how many were delivered (0 or 1)."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()
