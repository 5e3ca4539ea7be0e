"""Accounts: signing up, confirming, signing in with one-time links, device sessions."""
