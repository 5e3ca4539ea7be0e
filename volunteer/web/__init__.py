"""What every page shares: htmx responses, access checks, base forms, errors, health, assets, security headers, URLs, templating."""
