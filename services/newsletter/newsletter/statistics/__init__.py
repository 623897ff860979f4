"""A campaign's figures: live send progress and opens, clicks, bounces, unsubscribes."""
