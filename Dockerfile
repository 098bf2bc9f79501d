# Lereng: one uvicorn process per container; scale out with replicas (no state outside a socket).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LERENG_HOST=0.0.0.0 \
    LERENG_PORT=8000 \
    FORWARDED_ALLOW_IPS=127.0.0.1

RUN useradd --create-home --uid 10001 --user-group lereng
WORKDIR /srv/lereng
COPY pyproject.toml README.md ./
COPY app ./app
COPY static ./static
COPY templates ./templates
# A regular (non-editable) install: static/ and templates/ travel inside the wheel.
RUN pip install --no-cache-dir . && rm -rf /srv/lereng/*

USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"]
CMD ["lereng"]
