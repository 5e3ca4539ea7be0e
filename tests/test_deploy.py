"""deploy/systemd/: each unit runs something that exists (a flask command of this app, gunicorn with
deploy/gunicorn.conf.py), each timer starts a service that is there, and systemd itself accepts them."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from volunteer import create_app

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "deploy" / "systemd"
def settings(unit: Path) -> dict[str, list[str]]:
    """Each key's values, by "Section.Key" (systemd allows a key more than once)."""
    found, section = {}, ""
    for line in unit.read_text().splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif line and not line.startswith("#"):
            key, _, value = line.partition("=")
            found.setdefault(f"{section}.{key}", []).append(value)
    return found


def test_every_unit_runs_a_command_of_this_app_or_gunicorn_with_its_config():
    commands = set(create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).cli.list_commands(None))
    services = sorted(UNITS.glob("*.service"))
    assert {path.stem for path in services} >= {"volunteer", "volunteer-deliver", "volunteer-reminders",
                                                 "volunteer-waitlists", "volunteer-retention", "volunteer-backup"}
    for service in services:
        unit = settings(service)
        [start] = unit["Service.ExecStart"]
        program, *arguments = start.split()
        assert program.startswith("/srv/volunteer/.venv/bin/"), service.name
        if program.endswith("/gunicorn"):
            assert arguments[:2] == ["-c", "deploy/gunicorn.conf.py"] and (ROOT / arguments[1]).exists()
        else:
            assert arguments[:2] == ["--app", "app"] and arguments[2] in commands, service.name
        assert unit["Service.EnvironmentFile"] == ["/etc/volunteer/volunteer.env"], "one place for the settings"
        assert unit["Service.WorkingDirectory"] == ["/srv/volunteer"]
    for timer in UNITS.glob("*.timer"):
        assert (UNITS / f"{timer.stem}.service").exists(), timer.name
        assert settings(timer)["Timer.OnCalendar"] and settings(timer)["Install.WantedBy"] == ["timers.target"]
        assert settings(UNITS / f"{timer.stem}.service")["Service.Type"] == ["oneshot"]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path):
    """systemd-analyze verify, with the paths moved to this checkout (it checks that programs exist)."""
    for unit in UNITS.iterdir():
        text = unit.read_text().replace("/srv/volunteer/.venv", sys.prefix).replace("/srv/volunteer", str(ROOT))
        text = text.replace("/etc/volunteer/volunteer.env", "/dev/null").replace("/var/backups/volunteer", str(tmp_path))
        (tmp_path / unit.name).write_text(text)
    units = sorted(str(path) for path in tmp_path.glob("volunteer*"))
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
