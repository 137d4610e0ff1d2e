# Boardwalk: one image for web (gunicorn), worker and beat (celery); see docker-compose.yml.

# --- stage 1: the PWA ----------------------------------------------------------------------
FROM node:20-bookworm-slim AS frontend
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /src/frontend
# Lockfile first, so the dependency layer is reused while only sources change.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- stage 2: the runtime --------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore
WORKDIR /app

# Only the dependencies declared in pyproject.toml are installed, before the sources are
# copied, so this layer is reused while only code changes. The project itself runs from
# the source tree in /app (manage.py lives at the root); installing it as well would put a
# second, unused copy of conf/ and planner/ into site-packages.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
COPY --from=frontend /src/frontend/dist /app/frontend/dist

# Static files are collected into the image. The key is a throwaway that exists only on
# this RUN line (without one, settings would generate var/secret_key into the image), and
# the settings' var/ side effects go to a temporary folder that is removed again.
RUN STATIC_MANIFEST=1 SECRET_KEY=collectstatic-build-only BOARDWALK_VAR_DIR=/tmp/build-var \
        python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-var

# A real home directory: gunicorn >= 27 puts its control socket under $HOME/.gunicorn/.
RUN groupadd --gid 10001 boardwalk \
    && useradd --uid 10001 --gid boardwalk --create-home --shell /usr/sbin/nologin boardwalk \
    && mkdir -p /app/var/media \
    && chown -R boardwalk:boardwalk /app/var

ENV STATIC_MANIFEST=1 \
    BOARDWALK_VAR_DIR=/app/var \
    DJANGO_SETTINGS_MODULE=conf.settings \
    BOARDWALK_PRODUCTION=1
# Numeric, so orchestrators can verify runAsNonRoot without reading /etc/passwd.
USER 10001:10001
EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

CMD ["gunicorn", "conf.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", "--logger-class", "conf.logging.RedactingGunicornLogger"]
