"""Command-line tasks: seed-demo, create-coordinator, process-waitlists, send-reminders, retention,
check-places, deliver, backup and reapply-erasures."""
import logging
import signal
import threading
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from . import backup as backups, clock, delivery, demo, lapses
from .accounts import service as accounts
from .extensions import db
from .me import erasures, privacy
from .models import Organisation
from .rules.shifts import PLACES
from .rules.trainings import SEATS
from .shifts import bookings
from .trainings import enrolments
from .web.forms import normalize_email


def register(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo():
        """Load demo organisations, sites, trainings, shifts and a coordinator (safe to run again)."""
        summary = demo.run()
        db.session.commit()
        click.echo(summary)

    @app.cli.command("process-waitlists")
    def process_waitlists():
        """Pass lapsed waitlist offers on to the next person (idempotent; meant for cron)."""
        with app.test_request_context(base_url=app.config["BASE_URL"]):  # e-mails link back to the site
            count = enrolments.process_expired_offers(clock.now()) + bookings.process_expired_offers(clock.now())
            db.session.commit()
        click.echo(f"{count} lapsed waitlist offer(s) passed on.")

    @app.cli.command("send-reminders")
    def send_reminders():
        """Queue the day-before reminders of shifts and training sessions that are due and the reminders 30 and 7
        days before a qualification or a record extract lapses, and pass lapsed shift offers on (idempotent; for
        cron).

        Each reminder is claimed and queued in the outbox in one transaction, so running this often, or twice at
        once, never queues one twice, and the worker (flask --app app deliver) sends what was queued."""
        with app.test_request_context(base_url=app.config["BASE_URL"]):
            lapsed = bookings.process_expired_offers(clock.now())
            db.session.commit()
            queued = bookings.send_reminders(clock.now())
            trainings = enrolments.send_reminders(clock.now())
            lapsing = lapses.send_reminders(clock.now())
        click.echo(f"{queued} reminder(s) queued for shifts and {trainings} for training sessions, {lapsed} lapsed "
                   f"shift offer(s) passed on, {lapsing} reminder(s) of qualifications or record extracts that "
                   f"lapse soon.")

    @app.cli.command("deliver")
    @click.option("--once", is_flag=True, help="Send what is due now and stop (for cron).")
    def deliver(once):
        """Send the e-mails the outbox holds, until stopped; with --once, what is due now.

        Several may run at once on PostgreSQL; run one on SQLite."""
        stop = threading.Event()

        def stopping(*_):  # systemd stops it with SIGTERM: finish the batch in hand, then exit
            stop.set()
            delivery.WAKE.set()

        logging.getLogger("volunteer.delivery").setLevel(logging.INFO)  # each delivery and retry, in the log
        app.logger  # noqa: B018 (Flask gives the app's loggers a handler on first use)
        before = signal.signal(signal.SIGTERM, stopping)
        try:
            handled = delivery.run(app, once=once, stop=stop)
        except KeyboardInterrupt:
            return
        finally:
            signal.signal(signal.SIGTERM, before)
        click.echo(f"{handled} message(s) handled.")

    @app.cli.command("retention")
    def retention():
        """Delete what is kept too long and warn inactive volunteers (idempotent; meant for cron).

        The periods are the RETENTION_* settings."""
        with app.test_request_context(base_url=app.config["BASE_URL"]):
            report = privacy.retention(clock.now())
            db.session.commit()
        click.echo(str(report))

    @app.cli.command("backup")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                  help="The file to write (default: BACKUP_DIR or instance/backups, named by the time).")
    def backup(output):
        """Back the database up (PostgreSQL: pg_dump's custom format; SQLite: the online backup API).

        After restoring any backup, run reapply-erasures."""
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        folder = Path(app.config["BACKUP_DIR"] or Path(app.instance_path) / "backups")
        try:
            written = backups.back_up(uri, output or backups.default_path(folder, uri, clock.now()))
        except RuntimeError as error:
            raise click.ClickException(str(error)) from error
        kept = erasures.save(written.parent / erasures.LEDGER_FILE)
        click.echo(f"Backed up to {written}; {kept} erasure(s) in {written.parent / erasures.LEDGER_FILE}.")

    @app.cli.command("reapply-erasures")
    @click.option("--ledger", "ledgers", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  help="An erasure-ledger.json saved by backup, whose rows the database lacks (repeatable).")
    def reapply_erasures(ledgers):
        """Erase again everyone in the erasure ledger whom a restored backup brought back (idempotent).

        Run it after every restore, before the site is opened again."""
        with app.test_request_context(base_url=app.config["BASE_URL"]):
            for ledger in ledgers:
                erasures.load(ledger)
            count = erasures.reapply(clock.now())
            db.session.commit()
        click.echo(f"{count} erased account(s) found in the database and erased again.")

    @app.cli.command("check-places")
    @click.option("--repair", is_flag=True, help="Set each counter that differs to the rows that hold places.")
    def check_places(repair):
        """Compare every shift's places taken and every session's seats taken with the rows that hold them.

        Exits with status 1 when a counter differs and is not repaired."""
        left = 0
        for name, places in (("shift", PLACES), ("training session", SEATS)):
            for parent_id, taken, rows in places.differences():
                mendable = repair and places.repair(parent_id, rows)
                left += not mendable
                click.echo(f"{name} {parent_id}: {taken} taken, {rows} held by rows"
                           + (" (repaired)" if mendable else " (more than its places: not repaired)" if repair else ""))
        db.session.commit()
        click.echo(f"{left} counter(s) differ from their rows." if left else "Every counter matches its rows.")
        if left:
            raise SystemExit(1)

    @app.cli.command("create-coordinator")
    @click.argument("email")
    @click.option("--name", required=True, help="The coordinator's full name.")
    @click.option("--organisation", "organisations", multiple=True, help="Partner organisation (repeatable).")
    @click.option("--admin", is_flag=True, help="Make the person an admin, who sees everything.")
    def create_coordinator(email, name, organisations, admin):
        """Create a coordinator account, or give an existing account the role."""
        try:
            address = normalize_email(email)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="EMAIL") from error
        orgs = []
        for org_name in organisations:
            org = db.session.scalar(select(Organisation).where(Organisation.name == org_name))
            if org is None:
                known = ", ".join(db.session.scalars(select(Organisation.name).order_by(Organisation.name)))
                raise click.BadParameter(f"no organisation named {org_name!r}; known: {known or 'none'}",
                                         param_hint="--organisation")
            orgs.append(org)
        user = accounts.make_coordinator(address, name, orgs, admin)
        db.session.commit()
        click.echo(f"{user.email} is now {user.role.value}"
                   + (f" for {', '.join(o.name for o in user.coordinated_organisations)}" if orgs else "")
                   + ". Sign in at /sign-in with that address.")

