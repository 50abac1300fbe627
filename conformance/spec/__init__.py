"""Loading, validating and expanding spec files into cases."""
