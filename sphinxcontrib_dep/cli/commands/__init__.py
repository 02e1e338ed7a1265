"""Commands of ``dep``: one module each, thin over the core."""
