"""Every "may I": the engine for anything with a limited number of places, and the rules of each kind."""
