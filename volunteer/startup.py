"""What the site refuses to start without outside debug and tests: each problem says how to fix it."""
from pathlib import Path

from .config import INSECURE_DEFAULT_KEY


def refusals(config, translations: Path) -> list[str]:
    """Every setting or file missing for production, as sentences for the operator."""
    problems = []
    if config["SECRET_KEY"] in (None, "", INSECURE_DEFAULT_KEY):
        problems.append("Set SECRET_KEY to a long random value (or run with --debug for local use).")
    if not config["BASE_URL"]:
        problems.append("Set BASE_URL to the site's public address (https://frivilliga.example.se): e-mails link "
                        "to it.")
    if config["RATELIMIT_STORAGE_URI"].startswith("memory://") and not config["SINGLE_PROCESS"]:
        problems.append("RATELIMIT_STORAGE_URI is memory://, which counts per worker process and forgets on restart: "
                        "set it to the shared Redis (redis://host:6379), or set SINGLE_PROCESS=1 if this deployment "
                        "really runs one process.")
    if not (config["MAIL_SERVER"] or config["MAIL_TO_FILES"] or config["MAIL_OUTBOX_DIR"]):
        problems.append("Set MAIL_SERVER (and MAIL_PORT, MAIL_USE_TLS, MAIL_USERNAME, MAIL_PASSWORD, "
                        "MAIL_DEFAULT_SENDER), or MAIL_TO_FILES=1 to keep every e-mail as a file under "
                        "instance/outbox (or MAIL_OUTBOX_DIR) and send none.")
    problems.extend(stale_catalogs(translations))
    return problems


def stale_catalogs(translations: Path) -> list[str]:
    """A catalog not compiled, or compiled before its source last changed, would serve English under lang="sv"."""
    stale = []
    for source in sorted(translations.glob("*/LC_MESSAGES/messages.po")):
        compiled = source.with_suffix(".mo")
        if not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime:
            stale.append(f"{compiled.relative_to(translations.parent)} is "
                         f"{'older than its .po' if compiled.exists() else 'missing'}: compile the translations "
                         "(pybabel compile -d translations, or make translations).")
    return stale
