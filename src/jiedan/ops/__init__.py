"""Running Jiedan in production: request logs and metrics, the process server's settings."""
