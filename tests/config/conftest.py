"""Load the settings in a fresh interpreter, with exactly the environment a test gives it."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import jiedan

REPO = Path(jiedan.__file__).resolve().parents[2]

# What the settings may read from the environment; none of it leaks in from the test run
# (the CI sets DATABASE_URL and REDIS_URL for the whole suite).
_KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "SYSTEMROOT", "TMPDIR")


def clean_environment(tmp_path: Path, settings_module: str, **variables: str) -> dict[str, str]:
    env = {name: os.environ[name] for name in _KEPT if name in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE=settings_module,
        JIEDAN_DATA_DIR=str(tmp_path / "data"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(variables)
    return env


@pytest.fixture
def load_settings(tmp_path):
    """Run ``code`` after Django is set up with ``settings_module`` and the given variables;
    the code builds a JSON-serialisable ``result``, which is returned."""

    def load(code: str, settings_module="jiedan.config.settings.local", **variables):
        script = "import json, django\ndjango.setup()\nfrom django.conf import settings\n"
        script += textwrap.dedent(code) + "\nprint(json.dumps(result, default=str))\n"
        completed = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", script],
            env=clean_environment(tmp_path, settings_module, **variables),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        return json.loads(completed.stdout.strip().splitlines()[-1])

    return load
