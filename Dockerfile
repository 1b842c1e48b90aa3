# Front-end assets: GOV.UK Frontend compiled without the GOV.UK brand.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY static ./static
RUN npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 FAMILY_CONNECT_VAR_DIR=/var/lib/family-connect
# WeasyPrint needs Pango and HarfBuzz; fonts for letters.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
COPY --from=assets /app/static/build ./static/build
COPY --from=assets /app/static/vendor ./static/vendor
COPY --from=assets /app/node_modules/axe-core ./node_modules/axe-core
RUN useradd --system --home /app familyconnect && mkdir -p /var/lib/family-connect \
    && chown familyconnect /var/lib/family-connect
RUN DEBUG=false SECRET_KEY=build-only-collectstatic python manage.py collectstatic --no-input
USER familyconnect
EXPOSE 8000
CMD ["gunicorn", "familyfirst.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
