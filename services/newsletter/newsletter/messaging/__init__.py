"""Newsletter' Kafka side."""
