"""Command line entry: `lereng` or `python -m app` starts the server."""

from __future__ import annotations

import argparse
import sys
import threading
import webbrowser

from app.config import ConfigError, Settings

# Uvicorn imports this in each worker process when --workers > 1; every worker then builds its
# own app from the same LERENG_* environment (create_app reads it), sharing nothing else.
APP_FACTORY = "app.main:create_app"


def main(argv: list[str] | None = None) -> None:
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        sys.exit(f"lereng: invalid configuration: {exc}")
    for note in Settings.unknown_variables():
        print(f"lereng: warning: {note}", file=sys.stderr)

    parser = argparse.ArgumentParser(
        prog="lereng",
        description="Start the Lereng server. Every option also reads a LERENG_* variable.",
    )
    parser.add_argument("--host", default=settings.host, help="LERENG_HOST (%(default)s)")
    parser.add_argument("--port", type=int, default=settings.port, help="LERENG_PORT (%(default)s)")
    parser.add_argument(
        "--workers",
        type=int,
        default=settings.workers,
        help="uvicorn worker processes, LERENG_WORKERS (%(default)s)",
    )
    parser.add_argument(
        "--log-level", default=settings.log_level, help="LERENG_LOG_LEVEL (%(default)s)"
    )
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    args = parser.parse_args(argv)
    try:
        Settings(host=args.host, port=args.port, workers=args.workers, log_level=args.log_level)
    except ConfigError as exc:
        parser.error(str(exc).replace("_", "-", 1) if exc.name == "log_level" else str(exc))

    import uvicorn

    from app.web.lan import startup_note

    # uvicorn says "running on http://0.0.0.0:8000", which no student can type.
    print(f"lereng: {startup_note(args.host, args.port, settings.class_url)}", flush=True)
    if args.open:
        url = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}/"
        # Give uvicorn a moment to bind before the browser asks for the page.
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()

    common = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level.lower(),
        "ws": "websockets-sansio",
        # X-Forwarded-For/-Proto are honoured only from these peers (LERENG_FORWARDED_ALLOW_IPS).
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
    }
    if args.workers > 1:
        uvicorn.run(APP_FACTORY, factory=True, workers=args.workers, **common)
    else:
        from app.main import create_app

        uvicorn.run(create_app(settings), **common)


if __name__ == "__main__":
    main()
