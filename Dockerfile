# Lereng: one uvicorn process per container; scale out with replicas (no state outside a socket).
#   docker build -t lereng .  &&  docker run --rm -p 8000:8000 lereng
# Both stages use one base, pinned by tag; scripts/container_smoke.sh builds this file with podman.

# Stage 1: build the wheel (static/ and templates/ travel inside it as app._static/_templates).
FROM python:3.11.13-slim-bookworm AS wheel
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY app ./app
COPY static ./static
COPY templates ./templates
RUN pip wheel --no-cache-dir --disable-pip-version-check --no-deps --wheel-dir /wheels .

# Stage 2: the wheel and the runtime dependencies its metadata (pyproject.toml) names; no source.
FROM python:3.11.13-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    LERENG_FORWARDED_ALLOW_IPS=127.0.0.1
RUN useradd --system --uid 10001 --user-group --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin lereng
COPY --from=wheel /wheels /tmp/wheels
RUN pip install --no-cache-dir /tmp/wheels/*.whl && rm -rf /tmp/wheels

USER 10001:10001
EXPOSE 8000
# Slim images have no curl: ask /healthz with the standard library (exit 1 on any failure).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# One process (no --workers). Proxy headers are trusted only from LERENG_FORWARDED_ALLOW_IPS.
CMD ["lereng", "--host", "0.0.0.0", "--port", "8000"]
