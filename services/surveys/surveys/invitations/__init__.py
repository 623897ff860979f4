"""Invitations: who a campaign invites, their personal links and reachability."""
