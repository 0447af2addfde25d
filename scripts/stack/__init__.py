"""The stack ``make faults`` breaks and ``make rush`` loads: a private PostgreSQL and Redis, two API
processes, two workers, the demo agencies, a local push service and an agency webhook receiver
(``stack.py``, on the servers and child processes of ``servers.py``), plus the clients that use them
(``clients.py``).

Everything lives in a temp folder (pgserver's data folder must not sit under a home folder, and as
root pgserver loosens the permissions of its parents) except the processes' logs, which are kept in
the stack's log folder (``var/faults/`` unless told otherwise) for a post-mortem. Each child runs in a
session of its own, so a terminal's Ctrl-C reaches only the script, which then stops every child in
order; nothing of the machine's own PostgreSQL or Redis is touched.
"""
