"""Delivery workers: claim rows, render, send over kept-open SMTP connections, record outcomes."""
