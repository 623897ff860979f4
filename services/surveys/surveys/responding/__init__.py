"""Responding: invited people answering a survey page by page, drafts and submission."""
