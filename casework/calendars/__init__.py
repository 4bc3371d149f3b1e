"""Private iCalendar feeds of a user's fights and of the whole network, at secret URLs."""
