"""What runs inside a worker: the case scope and the harness that checks a case.

Everything in this package (and ``conformance.results``, which it uses) needs
the standard library only, because ``repro --standalone`` embeds these
modules in a script that must run with nothing but the loop's own package
installed.
"""
