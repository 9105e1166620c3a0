"""Proposal screens, one module per area (see proposals/urls.py for who owns which URL)."""
