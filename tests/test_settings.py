import os
import subprocess
import sys

from django.conf import settings


def production_env(**extra: str) -> dict[str, str]:
    """The environment of a production process: none of the test run's own switches."""
    skip = {"D4SME_SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    return {**env, "DJANGO_SETTINGS_MODULE": "d4sme.settings.production", **extra}


def test_production_settings_pass_the_deployment_check(tmp_path):
    env = production_env(
        D4SME_SECRET_KEY="x" * 20 + "production-secret-for-the-check-" + "y" * 20,
        D4SME_STATIC_ROOT=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-m", "d4sme.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret():
    result = subprocess.run(
        [sys.executable, "-m", "d4sme.cli", "check"],
        env=production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and "D4SME_SECRET_KEY" in result.stderr


def test_passwords_are_hashed_with_argon2_outside_tests():
    from d4sme.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.LANGUAGES and {code for code, _ in settings.LANGUAGES} == {
        "en",
        "ko",
        "pt",
        "es",
    }
