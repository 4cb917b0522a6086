#!/bin/sh
# docker-entrypoint-initdb.d hook: the same schemas, roles and publication as infra/sql/bootstrap.sql.
set -e
PGOPTIONS="-c relay.svc_password=${RELAY_DB_PASSWORD:-relay} -c relay.cdc_password=${RELAY_CDC_PASSWORD:-relay}" \
  psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d relay -f /relay-sql/schemas.sql
