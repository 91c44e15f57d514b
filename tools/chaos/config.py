"""Profiles (the long run and the CI run) and the environment every process of the run shares."""

import secrets
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Profile:
    name: str
    heads: int  # department heads, one department each, all saving answers at once
    emails: int  # recipients of the reminder wave: each head plus members of their department
    duration: float  # seconds of load; the wave and the faults happen inside it
    drain: float  # seconds after the load for late emails to arrive before the rest count as lost
    think: tuple = (2.0, 6.0)  # seconds a head spends typing between two saves
    read_share: float = 0.15  # share of requests that reload the audit instead of saving
    faults_from: float = 35.0  # first fault: when the first email arrives, at the latest this long into the load
    fault_every: float = 12.0  # seconds between faults
    faults: tuple = field(default_factory=tuple)
    baseline: int = 10  # saves by one head alone before the load, to tell a save's own cost from queueing
    strict: bool = False  # exit 1 on any 5xx, duplicate or lost email


# The order of faults, repeated until the load ends; each one waits (briefly) for emails to be flowing.
CYCLE = ("kill_worker_1", "terminate_connections", "restart_redis", "second_beat_start", "kill_worker_2",
         "terminate_connections", "second_beat_stop", "restart_redis")

CI_FAULTS = ("kill_worker_1", "kill_worker_2", "terminate_connections", "restart_redis", "second_beat_start",
             "terminate_connections", "second_beat_stop")

PROFILES = {
    # The beat starts with the stack and first ticks one interval later, near the start of the load.
    # The 2,000 rows are queued by one tick and sent by the drains as fast as the workers go; the faults span it.
    # A head saves every 4–12 s (autosave while typing): about 25 requests/s offered, like the mixed load.
    "long": Profile(name="long", heads=200, emails=2000, duration=300, drain=150, think=(4.0, 12.0), fault_every=10,
                    faults=CYCLE * 2),
    # 300 emails go out within seconds of one tick, so the faults come thick, the kills first: a row a killed worker held is
    # recovered only after the app's SENDING_STALE (45 s) or, handed over to SMTP, its hand-over stale age (60 s),
    # plus one 30 s sweep; the drain (ended early once every row is settled) leaves time for both after a late kill.
    "ci": Profile(name="ci", heads=40, emails=300, duration=45, drain=100, fault_every=4, faults=CI_FAULTS,
                  baseline=5, strict=True),
}


def profile_from(args):
    """The named profile with any command-line overrides applied."""
    profile = PROFILES[args.profile]
    overrides = {name: getattr(args, name) for name in ("heads", "emails", "duration", "drain")
                 if getattr(args, name) is not None}
    if args.strict is not None:
        overrides["strict"] = args.strict
    return replace(profile, **overrides)


def service_env(base_env, *, args, run_dir):
    """Production settings (tools/chaos/settings.py) pointed at the run's own database, Redis, SMTP sink and port."""
    return {
        **base_env,
        "DJANGO_SETTINGS_MODULE": "tools.chaos.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(48),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": f"{args.postgres}/{args.database}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{args.redis_port}/0",
        "EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(args.smtp_port),
        "SITE_URL": f"http://127.0.0.1:{args.web_port}",
        "MEDIA_ROOT": str(run_dir / "media"),
        "NOTIFICATIONS_TICK_SECONDS": str(args.tick),
        "PYTHONUNBUFFERED": "1",
    }
