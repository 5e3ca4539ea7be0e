"""Messages: what the site and coordinators tell a person, on their My page and by e-mail."""
