"""Mobilization emails for actions: written, sent by `tick`, answered with one click."""
