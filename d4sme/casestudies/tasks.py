"""Background work of the case-study databank, run by the `d4sme db_worker` process."""

from django_tasks import task


@task()
def case_embed(*, case_id: int) -> bool:
    """Compute and store the vectors of one case (after it was published or changed)."""
    from . import search
    from .models import Case

    case = Case.objects.filter(pk=case_id).first()
    if case is None:
        return False
    from django.utils import timezone

    vectors = search.embedding_of(case)
    # A new updated_at tells every process's vector cache that this vector changed.
    Case.objects.filter(pk=case_id).update(embedding=vectors, updated_at=timezone.now())
    search.vectors.invalidate()
    return True
