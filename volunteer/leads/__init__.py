"""Site leads: coordinators appoint them; a lead runs a site's day (roster, check-in by hand, no-shows, notes, who
is here now); volunteers check themselves in and out with the shift's changing code."""
