"""Vetting: applicants, interviews and decisions, people's pages, record extracts, the directory."""
