"""Staff sign-in through an organisation's OpenID Connect provider, with its groups mapped to roles."""
