"""learning's rules in plain Python: hours, prices, plan windows and scope, the credit of
watched time, completion."""
