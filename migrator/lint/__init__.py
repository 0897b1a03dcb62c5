"""Lint checks: model names, dependency pins and misuse of the Interactions API."""
