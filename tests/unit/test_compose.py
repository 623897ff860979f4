"""docker-compose.yml and the Dockerfile, checked without a Docker engine.

No engine runs where the suite runs, so these tests read the files: the compose file parses,
every file it mounts or builds from exists, every environment name it gives our containers
is one the settings classes actually read, every command names a real entry point, the
Dockerfile has the stages the compose file and the Dockerfile itself refer to. Where the
`docker compose` plugin is installed, `docker compose config` validates the file as well.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from contacts.settings import ContactsSettings
from events.settings import EventsSettings
from newsletter.settings import NewsletterSettings
from pydantic import AliasChoices, AliasPath
from pydantic_settings import BaseSettings
from surveys.settings import SurveysSettings

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCS = REPO / "docs" / "docker.md"
NGINX_TEMPLATE = REPO / "deploy" / "nginx" / "digituki.conf.template"

SETTINGS: dict[str, type[BaseSettings]] = {
    "contacts": ContactsSettings,
    "newsletter": NewsletterSettings,
    "surveys": SurveysSettings,
    "events": EventsSettings,
}
ROLES = ("migrate", "web", "worker")
OUR_CONTAINERS = [f"{svc}-{role}" for svc in SETTINGS for role in ROLES]

# Values a .env would give; long enough for the production secret check.
FAKE_DOTENV: dict[str, str] = {
    "PUBLIC_BASE_URL": "https://crm.example.org",
    "LINK_SECRET": "l" * 40,
    "PROXY_SECRET": "p" * 40,
    "CONTACTS_SECRET_KEY": "c" * 40,
    "NEWSLETTER_SECRET_KEY": "n" * 40,
    "SURVEYS_SECRET_KEY": "s" * 40,
    "EVENTS_SECRET_KEY": "e" * 40,
    "POSTGRES_PASSWORD": "0123456789abcdef",
}

# $$ (a literal $), ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?err}, ${NAME?err}, $NAME
_VAR = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)


# ---- helpers ----------------------------------------------------------------------------


def load_compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict)
    return data


def interpolate(value: str, env: Mapping[str, str]) -> str:
    """Compose's variable substitution, for the forms this repository uses."""

    def substitute(match: re.Match[str]) -> str:
        if match.group("escaped"):
            return "$"
        name = match.group("name") or match.group("bare")
        op, arg = match.group("op"), match.group("arg") or ""
        current = env.get(name)
        if op == ":-":
            return current or arg
        if op == "-":
            return arg if current is None else current
        if op in {":?", "?"} and (current is None or (op == ":?" and not current)):
            raise KeyError(f"{name}: {arg}")
        return current or ""

    return _VAR.sub(substitute, value)


def strings_in(node: object) -> list[str]:
    """Every string value (and key) of a parsed YAML document; comments are not in it."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, Mapping):
        return [s for k, v in node.items() for s in (*strings_in(k), *strings_in(v))]
    if isinstance(node, list):
        return [s for item in node for s in strings_in(item)]
    return []


def compose_variables(compose: Mapping[str, Any]) -> dict[str, bool]:
    """Every variable the compose file interpolates, mapped to whether it is required."""
    found: dict[str, bool] = {}
    for text in strings_in(compose):
        for match in _VAR.finditer(text):
            name = match.group("name") or match.group("bare")
            if name:
                required = (match.group("op") or "").endswith("?")
                found[name] = found.get(name, False) or required
    return found


def environment_of(service: Mapping[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {str(k): "" if v is None else str(v) for k, v in env.items()}


def env_names(settings: type[BaseSettings]) -> set[str]:
    """The environment names a pydantic-settings class reads, computed from the class."""
    prefix = str(settings.model_config.get("env_prefix") or "")
    names: set[str] = set()
    for field_name, field in settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(c.upper() for c in alias.choices if isinstance(c, str))
        elif isinstance(alias, str):
            names.add(alias.upper())
        elif isinstance(alias, AliasPath):
            names.add(str(alias.path[0]).upper())
        else:
            names.add(f"{prefix}{field_name}".upper())
    return names


def unknown_env_names(
    compose: Mapping[str, Any], settings: Mapping[str, type[BaseSettings]]
) -> dict[str, set[str]]:
    """Per container of ours (`<service>-<role>`): names set that its settings do not read."""
    unknown: dict[str, set[str]] = {}
    for container, spec in (compose.get("services") or {}).items():
        service = container.split("-", 1)[0]
        if service not in settings:
            continue
        extra = set(environment_of(spec)) - env_names(settings[service])
        if extra:
            unknown[container] = extra
    return unknown


def dockerfile_stages(path: Path) -> tuple[list[str], list[str]]:
    """(stage names, stages referred to by COPY --from / FROM <stage>) of a Dockerfile."""
    text = path.read_text()
    stages = re.findall(r"^FROM\s+\S+\s+AS\s+(\S+)\s*$", text, flags=re.MULTILINE | re.I)
    refs = re.findall(r"^COPY\s+(?:--\S+\s+)*?--from=(\S+)", text, flags=re.MULTILINE | re.I)
    return stages, refs


def bind_sources(service: Mapping[str, Any]) -> list[str]:
    sources: list[str] = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            sources.append(volume.split(":", 1)[0])
        else:
            sources.append(str(volume.get("source", "")))
    return sources


def nginx_script(compose: Mapping[str, Any]) -> str:
    command = compose["services"]["nginx"]["command"]
    return command if isinstance(command, str) else "\n".join(command)


# ---- (a) it parses, and has what it should ----------------------------------------------


def test_compose_parses_and_has_every_service() -> None:
    services = load_compose()["services"]
    expected = {"kafka", "postgres", "mailpit", "nginx", *OUR_CONTAINERS}
    assert expected <= set(services), f"missing: {sorted(expected - set(services))}"


# ---- (b) every file it refers to exists -------------------------------------------------


def test_build_context_and_dockerfile_exist() -> None:
    compose = load_compose()
    for name in OUR_CONTAINERS:
        build = compose["services"][name]["build"]
        context = (REPO / build["context"]).resolve()
        assert context == REPO, f"{name}: build context {context} is not the repository"
        dockerfile = context / build.get("dockerfile", "Dockerfile")
        assert dockerfile.is_file(), f"{name}: {dockerfile} is missing"
    assert (REPO / ".dockerignore").is_file()


def test_every_mounted_file_exists_and_named_volumes_are_declared() -> None:
    compose = load_compose()
    declared = set(compose.get("volumes") or {})
    for name, spec in compose["services"].items():
        for source in bind_sources(spec):
            if source.startswith(("/", "~")):
                pytest.fail(f"{name}: {source} is a host path outside the repository")
            if source.startswith("."):
                assert (REPO / source).exists(), f"{name}: mounts {source}, which is missing"
            else:
                assert source in declared, f"{name}: volume {source} is not declared"


def test_postgres_init_script_and_nginx_template_are_mounted() -> None:
    services = load_compose()["services"]
    init = [v for v in services["postgres"]["volumes"] if "/docker-entrypoint-initdb.d/" in v]
    assert [v.split(":")[0] for v in init] == ["./deploy/docker/postgres-init.sql"]
    sql = (REPO / "deploy/docker/postgres-init.sql").read_text()
    for db in SETTINGS:
        assert re.search(rf"CREATE DATABASE {db} OWNER digituki;", sql), db
    assert "./deploy/nginx/digituki.conf.template" in bind_sources(services["nginx"])
    mounted_at = next(
        v.split(":")[1] for v in services["nginx"]["volumes"] if "digituki.conf.template" in v
    )
    assert f"<{mounted_at}" in nginx_script(load_compose()).replace(" ", "")


# ---- (c) environment names are the ones the settings read --------------------------------


def test_env_names_are_computed_from_the_settings_classes() -> None:
    contacts = env_names(ContactsSettings)
    assert {"CONTACTS_DATABASE_URL", "CONTACTS_WEB_HOST", "LINK_SECRET", "DIGITUKI_ENV"} <= (
        contacts
    )
    assert "CONTACTS_LINK_SECRET" not in contacts  # an aliased field is read by its alias only
    assert {"SMTP_HOST", "SMTP_PORT"} <= env_names(NewsletterSettings)


def test_every_env_name_of_our_containers_is_read_by_its_settings() -> None:
    assert unknown_env_names(load_compose(), SETTINGS) == {}


def test_unknown_env_names_are_caught() -> None:
    compose = {
        "services": {
            "contacts-web": {
                "environment": {
                    "CONTACTS_WEB_PORT": "8101",
                    "CONTACTS_WEBPORT": "8101",  # typo
                    "NEWSLETTER_WEB_PORT": "8102",  # another service's name
                }
            },
            "surveys-worker": {"environment": ["SURVEYS_DATABASE_URL=x", "SURVEY_SECRET_KEY=y"]},
            "postgres": {"environment": {"POSTGRES_USER": "digituki"}},  # not ours
        }
    }
    assert unknown_env_names(compose, SETTINGS) == {
        "contacts-web": {"CONTACTS_WEBPORT", "NEWSLETTER_WEB_PORT"},
        "surveys-worker": {"SURVEY_SECRET_KEY"},
    }


@pytest.mark.parametrize("container", OUR_CONTAINERS)
def test_settings_load_from_the_compose_environment(
    container: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The container's environment, interpolated from a .env, gives valid production settings."""
    service = container.split("-", 1)[0]
    settings_class = SETTINGS[service]
    env = {
        k: interpolate(v, FAKE_DOTENV)
        for k, v in environment_of(load_compose()["services"][container]).items()
    }
    for name in env_names(settings_class):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings: Any = settings_class()
    assert settings.environment == "production"
    assert settings.kafka_bootstrap_servers == "kafka:9092"
    assert settings.database_url.endswith(f"@postgres:5432/{service}")
    assert settings.web_host == "0.0.0.0"
    assert settings.link_secret == FAKE_DOTENV["LINK_SECRET"]
    assert settings.secret_key == FAKE_DOTENV[f"{service.upper()}_SECRET_KEY"]
    if service == "newsletter":
        assert (settings.smtp_host, settings.smtp_port) == ("mailpit", 1025)


def test_interpolation_refuses_a_missing_secret() -> None:
    env = environment_of(load_compose()["services"]["contacts-web"])
    with pytest.raises(KeyError, match="LINK_SECRET"):
        interpolate(env["LINK_SECRET"], {})
    assert interpolate("${A:-x}/$${B}/${C-y}", {"A": "", "C": ""}) == "x/${B}/"


def test_every_compose_variable_is_documented() -> None:
    docs = DOCS.read_text()
    variables = compose_variables(load_compose())
    assert {"LINK_SECRET", "POSTGRES_PASSWORD", "PUBLIC_BASE_URL"} <= {
        name for name, required in variables.items() if required
    }
    undocumented = sorted(name for name in variables if name not in docs)
    assert undocumented == []


# ---- (d) commands, dependencies, Dockerfile stages --------------------------------------


@pytest.mark.parametrize("container", OUR_CONTAINERS)
def test_command_names_an_existing_entry_point(
    container: str, capsys: pytest.CaptureFixture[str]
) -> None:
    service, role = container.split("-", 1)
    command = load_compose()["services"][container]["command"]
    assert command == [f"{service}.main", role]
    main = importlib.import_module(command[0]).main
    # The service's own argument parser accepts the sub-command (--help exits before any
    # settings are read), and refuses one it does not have.
    with pytest.raises(SystemExit) as ok:
        main([command[1], "--help"])
    assert ok.value.code == 0
    with pytest.raises(SystemExit) as bad:
        main(["serve"])
    assert bad.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_dependencies_wait_for_health_and_migrations() -> None:
    services = load_compose()["services"]
    for name, spec in services.items():
        for target, cond in (spec.get("depends_on") or {}).items():
            assert target in services, f"{name} depends on unknown {target}"
            if cond["condition"] == "service_healthy":
                assert "healthcheck" in services[target], f"{name}: {target} has no healthcheck"
            if cond["condition"] == "service_completed_successfully":
                assert services[target].get("restart") == "no", f"{target} must be one-shot"
    for svc in SETTINGS:
        for role in ("web", "worker"):
            deps = services[f"{svc}-{role}"]["depends_on"]
            assert deps[f"{svc}-migrate"] == {"condition": "service_completed_successfully"}
            assert deps["postgres"] == {"condition": "service_healthy"}
            assert deps["kafka"] == {"condition": "service_healthy"}
        assert services[f"{svc}-migrate"]["depends_on"]["postgres"]["condition"] == (
            "service_healthy"
        )


def test_dockerfile_stages_exist() -> None:
    stages, refs = dockerfile_stages(REPO / "Dockerfile")
    assert {"builder", "runtime"} <= set(stages)
    assert set(refs) <= set(stages), f"COPY --from unknown stage: {set(refs) - set(stages)}"
    targets = {load_compose()["services"][c]["build"]["target"] for c in OUR_CONTAINERS}
    assert targets <= set(stages)
    text = (REPO / "Dockerfile").read_text()
    assert re.search(r'^ENTRYPOINT \["python", "-m"\]', text, flags=re.MULTILINE)
    assert re.search(r"^USER (?!root)\S+", text, flags=re.MULTILINE), "must not run as root"


def test_dockerfile_stage_parser_sees_a_missing_stage(tmp_path: Path) -> None:
    broken = tmp_path / "Dockerfile"
    broken.write_text(
        "FROM python:3.11-slim AS build\nFROM python:3.11-slim\nCOPY --from=builder /a /a\n"
    )
    stages, refs = dockerfile_stages(broken)
    assert (stages, refs) == (["build"], ["builder"])


def test_kafka_is_kraft_without_auto_created_topics() -> None:
    kafka = load_compose()["services"]["kafka"]
    image = interpolate(kafka["image"], {})
    repo, tag = image.split(":")
    assert repo == "apache/kafka"
    assert tuple(int(p) for p in tag.split(".")[:2]) >= (4, 1)
    env = environment_of(kafka)
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert "PLAINTEXT://kafka:9092" in env["KAFKA_ADVERTISED_LISTENERS"]
    assert "kafka-data:/var/lib/kafka/data" in kafka["volumes"]
    assert env["KAFKA_LOG_DIRS"] == "/var/lib/kafka/data"


def test_only_nginx_shares_a_network_with_the_web_processes() -> None:
    services = load_compose()["services"]
    web = {f"{svc}-web" for svc in SETTINGS}
    for name, spec in services.items():
        if "proxy" in (spec.get("networks") or []):
            assert name in web | {"nginx"}, f"{name} must not join the proxy network"
        if name in web:
            assert "ports" not in spec, f"{name} must not publish its port"
    assert services["nginx"]["networks"] == ["proxy"]


def test_nginx_substitutes_exactly_its_upstream_variables() -> None:
    compose = load_compose()
    nginx = compose["services"]["nginx"]
    match = re.search(r"envsubst '([^']*)'", nginx_script(compose))
    assert match, "the nginx command must call envsubst with an explicit variable list"
    listed = set(re.findall(r"\$\$\{([A-Z_]+)\}", match.group(1)))
    assert listed == set(environment_of(nginx))
    assert listed == {
        "PROXY_PORT",
        "PROXY_SECRET",
        "CONTACTS_UPSTREAM",
        "NEWSLETTER_UPSTREAM",
        "SURVEYS_UPSTREAM",
        "EVENTS_UPSTREAM",
    }
    assert environment_of(nginx)["CONTACTS_UPSTREAM"] == "contacts-web:8101"
    assert "-p " in nginx_script(compose)


def test_nginx_template_uses_exactly_the_substituted_variables() -> None:
    template = NGINX_TEMPLATE.read_text()
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)\}", template))
    assert used == set(environment_of(load_compose()["services"]["nginx"]))


def run_nginx_command(tmp_path: Path, env: Mapping[str, str], *, check_config: bool) -> str:
    """Runs the nginx container's start script here, against the repository's template, with
    `exec nginx ...` replaced by `nginx -t` (same flags) or dropped; returns the nginx.conf."""
    if shutil.which("envsubst") is None:
        pytest.skip("envsubst (gettext-base) is not installed")
    script = nginx_script(load_compose()).replace("$$", "$")
    prefix = "/var/cache/nginx/digituki"
    mounted = "/etc/digituki/digituki.conf.template"
    assert prefix in script
    assert mounted in script
    script = script.replace(prefix, str(tmp_path / "prefix")).replace(mounted, str(NGINX_TEMPLATE))
    exec_line = re.search(r"^exec nginx (.*) -g 'daemon off;'$", script, flags=re.MULTILINE)
    assert exec_line, "the script must end by exec'ing nginx in the foreground"
    test_line = f"nginx -t -q {exec_line.group(1)}" if check_config else ":"
    script = script.replace(exec_line.group(0), test_line)
    run = subprocess.run(
        ["sh", "-c", script],
        env={"PATH": f"{os.environ['PATH']}:/usr/sbin", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return (tmp_path / "prefix" / "nginx.conf").read_text()


def nginx_environment() -> dict[str, str]:
    """The nginx container's environment as compose gives it, with .env's values."""
    raw = environment_of(load_compose()["services"]["nginx"])
    return {name: interpolate(value, FAKE_DOTENV) for name, value in raw.items()}


def test_nginx_command_renders_the_template_for_the_containers(tmp_path: Path) -> None:
    env = nginx_environment()
    conf = run_nginx_command(tmp_path, env, check_config=False)
    assert "${" not in re.sub(r"#.*", "", conf), "a variable was left unsubstituted"
    assert "$request_id" in conf, "nginx's own variables must stay"
    for svc, port in (
        ("contacts", 8101),
        ("newsletter", 8102),
        ("surveys", 8103),
        ("events", 8104),
    ):
        assert f"server {svc}-web:{port};" in conf
    # Not on loopback only: the published port reaches the container's own interface.
    assert re.findall(r"^\s*listen\s+(\S+);", conf, flags=re.MULTILINE) == ["8080"]
    access_log = tmp_path / "prefix" / "logs" / "access.log"
    assert access_log.is_symlink()
    assert str(access_log.readlink()) == "/dev/stdout"


def test_nginx_accepts_the_rendered_config(tmp_path: Path) -> None:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.skip("nginx is not installed")
    # The container names do not resolve here: the same config with loopback upstreams.
    env = {
        **nginx_environment(),
        "CONTACTS_UPSTREAM": "127.0.0.1:8101",
        "NEWSLETTER_UPSTREAM": "127.0.0.1:8102",
        "SURVEYS_UPSTREAM": "127.0.0.1:8103",
        "EVENTS_UPSTREAM": "127.0.0.1:8104",
    }
    run_nginx_command(tmp_path, env, check_config=True)


# ---- `docker compose config`, where the plugin exists ------------------------------------


def _compose_cli() -> list[str]:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client on this machine")
    probe = subprocess.run(
        [docker, "compose", "version"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        pytest.skip("the docker client has no `compose` plugin (`docker compose version` fails)")
    return [docker, "compose"]


def test_docker_compose_config_accepts_the_file() -> None:
    cli = _compose_cli()
    env = {k: v for k, v in os.environ.items() if k not in compose_variables(load_compose())}
    run = [*cli, "--env-file", os.devnull, "-f", str(COMPOSE_FILE), "config", "-q"]
    ok = subprocess.run(
        run, cwd=REPO, env={**env, **FAKE_DOTENV}, capture_output=True, text=True, check=False
    )
    assert ok.returncode == 0, ok.stderr
    missing = subprocess.run(run, cwd=REPO, env=env, capture_output=True, text=True, check=False)
    assert missing.returncode != 0
    assert "LINK_SECRET" in missing.stderr or "POSTGRES_PASSWORD" in missing.stderr
