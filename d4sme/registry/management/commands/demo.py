from django.core.management.base import BaseCommand

from d4sme.registry.demo import demo_prepare


class Command(BaseCommand):
    help = "Create the demonstration users and synthetic SMEs, once; print how to log in."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--smes", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, smes: int, seed: int, **options) -> None:
        report = demo_prepare(smes=smes, seed=seed)
        if report.generated:
            self.stdout.write(f"Created {report.generated:,} synthetic SMEs.")
        self.stdout.write(f"Demonstration logins (password for each: {report.password}):")
        for email, role in report.logins:
            self.stdout.write(f"  {email:<32} {role}")
