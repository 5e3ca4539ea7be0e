"""Shifts: open shifts and bookings, coordinators' sites, tasks and shifts, rosters, staffing needs, calendars."""
