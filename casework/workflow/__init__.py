"""The fight's state machine: states, the transition table and how a transition is applied."""
