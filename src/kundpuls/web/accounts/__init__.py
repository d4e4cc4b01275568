"""Staff accounts: e-mail login, Argon2 passwords, throttled logins, demo accounts."""
