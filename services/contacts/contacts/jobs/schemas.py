"""What the jobs API answers about a job."""

from __future__ import annotations

from typing import Any

from contacts.jobs.domain import Job


def progress_of(job: Job) -> dict[str, Any]:
    return {
        "id": str(job.id),
        "kind": job.kind,
        "state": job.state,
        "total": job.total,
        "done": job.done_count,
        "failed": job.failed_count,
        "percent": job.percent,
        "finished": job.finished,
        "error": job.error,
        "has_file": job.has_result,
    }
