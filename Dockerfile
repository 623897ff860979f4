# syntax=docker/dockerfile:1
# One image for every Digituki process: contacts, newsletter, surveys and events, each as `web`,
# `worker` or `migrate`. The command picks which, e.g.
#   docker run IMAGE contacts.main web        (ENTRYPOINT is `python -m`)
# docker-compose.yml runs twelve containers from this image.
#
# Why an editable install from /app (and not `pip install .`):
# every service finds its Alembic folder next to its package,
#   MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# With a regular install, contacts/main.py lives in site-packages/contacts/, so that path
# would be site-packages/migrations, which does not exist (and the three services would
# collide there). `pip install -e /app` instead puts a small finder into the venv that maps
# contacts -> /app/services/contacts/contacts (pyproject's package-dir), so __file__ stays
# inside the source tree and ../migrations is /app/services/contacts/migrations. The
# templates and static files inside the packages are found the same way. The runtime stage
# copies the venv and /app to the same paths, so the finder's absolute paths stay valid.

ARG PYTHON_IMAGE=python:3.11-slim

# ---- builder: the venv with every dependency, plus the project installed editable -------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /app

# Dependencies first, exactly as locked (requirements.lock: versions and hashes, written from
# pyproject.toml by `make lock`), so a code change does not reinstall them and every image
# gets the versions the suite ran with.
COPY pyproject.toml requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

# Then the code (see .dockerignore: only pyproject.toml, shared/ and services/ get here).
COPY shared ./shared
COPY services ./services
# Bytecode now, as root: at run time the code is read-only for the service user.
RUN pip install --no-deps -e . \
    && python -m compileall -q /app/shared /app/services

# ---- runtime: the venv and the source tree, run as an unprivileged user -----------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN groupadd --system --gid 10001 digituki \
    && useradd --system --uid 10001 --gid digituki --no-create-home \
        --home-dir /nonexistent --shell /usr/sbin/nologin digituki

COPY --from=builder /opt/venv /opt/venv
# All of /app: shared/, services/*/<name>/ (code, templates) and services/*/migrations/.
COPY --from=builder /app /app

WORKDIR /app
USER digituki:digituki

# Web ports of contacts, newsletter and surveys (each container listens on one of them).
EXPOSE 8101 8102 8103 8104

ENTRYPOINT ["python", "-m"]
CMD ["contacts.main", "web"]
