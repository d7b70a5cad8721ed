import time

from django.core.management.base import BaseCommand, CommandError

from d4sme.registry.generator import organisations_generate


class Command(BaseCommand):
    help = "Create synthetic SMEs (marked as synthetic) for demonstrations and benchmarks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--smes", type=int, required=True, help="how many SMEs to create")
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed (same seed, same SMEs)"
        )

    def handle(self, *args, smes: int, seed: int, **options) -> None:
        if smes < 0:
            raise CommandError("--smes must be zero or more.")
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"  {done:,} / {total:,}")

        try:
            created = organisations_generate(count=smes, seed=seed, progress=progress)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        rate = created / elapsed if elapsed else 0
        self.stdout.write(
            f"Created {created:,} synthetic SMEs in {elapsed:.1f} s ({rate:,.0f} rows/s)."
        )
