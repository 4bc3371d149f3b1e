"""The member portal: a worker or tenant logs in to see their own fight and approve its letter."""
