"""Surveys' Kafka side."""
