"""Uploaded files: storage, thumbnails, and their pages."""
