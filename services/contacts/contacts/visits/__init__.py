"""Visit requests (Kutsu meidät kylään!): the public form and the staff queue."""
