"""Staff users: sign-in (password and OIDC), sessions, password reset, administration."""
