"""What runs inside a worker: the case scope and the harness that checks a case.

Everything in this package uses the standard library only, because ``repro``
inlines these modules into a standalone script that must run with nothing but
the loop's own package installed.
"""
