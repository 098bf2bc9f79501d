"""Command line entry: `lereng` or `python -m app` starts the server."""

from __future__ import annotations

import argparse
import threading
import webbrowser

from app.config import Settings


def main(argv: list[str] | None = None) -> None:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="lereng", description="Start the Lereng server.")
    parser.add_argument("--host", default=settings.host)
    parser.add_argument("--port", type=int, default=settings.port)
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    args = parser.parse_args(argv)

    import uvicorn

    from app.main import create_app

    if args.open:
        url = f"http://{args.host}:{args.port}/"
        # Give uvicorn a moment to bind before the browser asks for the page.
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        log_level=settings.log_level,
        ws="websockets-sansio",
    )


if __name__ == "__main__":
    main()
