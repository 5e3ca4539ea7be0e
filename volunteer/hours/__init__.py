"""Hours: what volunteers did, their own hours, coordinators' reports, certificates and their public check."""
