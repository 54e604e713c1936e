"""orgtree's domain rules: plain Python, no framework imports."""
