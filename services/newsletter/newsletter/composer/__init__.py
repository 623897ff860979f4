"""The composer: drafts, sending checks, schedule, pause/resume/cancel, duplicates, test sends."""
