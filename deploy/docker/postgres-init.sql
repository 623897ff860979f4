-- Runs once, when the postgres container starts on an empty data volume (mounted into
-- /docker-entrypoint-initdb.d by docker-compose.yml), as the image's POSTGRES_USER digituki.
-- One database per service, as deploy/bin/postgres.sh creates them for `make up`.
CREATE DATABASE contacts OWNER digituki;
CREATE DATABASE newsletter OWNER digituki;
CREATE DATABASE surveys OWNER digituki;
CREATE DATABASE events OWNER digituki;
