# The hub and the sandbox departments share one image; compose picks the command.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY adapters ./adapters
COPY graph ./graph
COPY schema ./schema
COPY hub ./hub
COPY sandbox ./sandbox
COPY deploy ./deploy
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["hub", "serve", "--host", "0.0.0.0"]
