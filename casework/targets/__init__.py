"""Target research: the bosses and landlords a network fights, shared across its cases."""
