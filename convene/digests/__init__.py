"""Weekly email digests: exactly once per contact per ISO week."""
