# Boardwalk: one image for web (gunicorn), worker and beat (celery); see docker-compose.yml.
#
# Base images are pinned by digest, so a rebuild starts from the same bytes and a re-pushed
# tag cannot change the image unnoticed. The digests are build arguments (no default: a build
# without them fails with "invalid reference format"); docker-compose.yml passes them from
# .env. To pin, or to move to a newer patch release of the same tag (do it on purpose, e.g.
# monthly for security fixes):
#   make docker-pins          # pulls the tags and prints NODE_DIGEST=... PYTHON_DIGEST=...
#   (or: docker buildx imagetools inspect python:3.11-slim-bookworm  → "Digest: sha256:...")
# then put the lines in .env, or: docker build --build-arg NODE_DIGEST=sha256:... \
#   --build-arg PYTHON_DIGEST=sha256:... .
# The digest is the multi-platform index digest of the tag, valid for amd64 and arm64.
ARG NODE_DIGEST
ARG PYTHON_DIGEST

# --- stage 1: the PWA ----------------------------------------------------------------------
FROM node:20-bookworm-slim@${NODE_DIGEST} AS frontend
ENV NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /src/frontend
# Lockfile first, so the dependency layer is reused while only sources change.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- stage 2: the runtime --------------------------------------------------------------------
FROM python:3.11-slim-bookworm@${PYTHON_DIGEST} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore
WORKDIR /app

# Exactly the versions CI tested: requirements.lock pins every runtime dependency with its
# hashes (`make lock` regenerates it from pyproject.toml). Installed before the sources are
# copied, so this layer is reused while only code changes. The project itself runs from the
# source tree in /app (manage.py lives at the root), so it is not installed as a package.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

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

# Probes gunicorn; the worker and beat services replace it (manage.py healthcheck worker|beat).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

# Bind address, WEB_CONCURRENCY (workers, default 3) and the token-redacting access log: see
# conf/gunicorn.py. Migrations are not run here: compose's one-shot `migrate` service does.
CMD ["gunicorn", "--config", "conf/gunicorn.py", "conf.wsgi:application"]
