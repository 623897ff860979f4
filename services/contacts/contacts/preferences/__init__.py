"""What a person changes themselves: the preference centre and unsubscribe links."""
