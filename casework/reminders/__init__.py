"""Email reminders of tasks, deadlines and actions, sent by ``flask casework tick``."""
