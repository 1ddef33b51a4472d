"""Blueprints of the Flask side: pages (HTML) and downloads (files)."""
