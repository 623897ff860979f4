"""Which survey history a merged-away record hands to the kept one, campaign by campaign.

A person is invited at most once per campaign, so when both records of a merged pair hold
something in the same campaign, one invitation keeps the person and the other is detached
as in an erasure (no person, no breakdown fields; its counts stay). The rule keeps the
person's answer attached to them and to the link they answered through:

- only the removed record was in the campaign: all of it moves to the kept person;
- the kept record has answered: it stays; the removed record's invitation is detached and
  its response, if any, becomes anonymous (one identified answer per person and campaign);
- only the removed record has answered: its invitation and response move to the kept
  person, and the kept record's unanswered invitation is detached (no more reminders for
  a survey the person has answered);
- neither has answered: the kept record's invitation stays, the removed one is detached.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Holding:
    """What one person record holds in one campaign."""

    invited: bool
    answered: bool  # its invitation is answered, or it has an identified response


@dataclass(frozen=True)
class Settlement:
    move_invitation: bool  # the removed record's invitation goes to the kept person
    move_response: bool  # its response (if any) stays identified, now the kept person's
    detach_kept_invitation: bool  # the kept record's invitation gives way


def settle(kept: Holding | None, removed: Holding) -> Settlement:
    if kept is None or not (kept.invited or kept.answered):
        return Settlement(move_invitation=True, move_response=True, detach_kept_invitation=False)
    if kept.answered:
        return Settlement(move_invitation=False, move_response=False, detach_kept_invitation=False)
    if removed.answered:
        return Settlement(
            move_invitation=True,
            move_response=True,
            detach_kept_invitation=kept.invited and removed.invited,
        )
    return Settlement(move_invitation=False, move_response=True, detach_kept_invitation=False)
