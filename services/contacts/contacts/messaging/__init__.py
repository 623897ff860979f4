"""Contacts' Kafka side: what it publishes (through the outbox) and consumes."""
