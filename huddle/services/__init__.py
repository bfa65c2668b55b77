"""Services: each public function is one short transaction over the store.

They check the actor's role, write the audit event in the same transaction,
and return frozen dataclasses from ``huddle.dto``.
"""

# The statistics rollup notes which cases a transaction changed with an after-flush hook; it is
# registered here so that it sees every flush from a process's first write on.
from huddle.services import rollup as _rollup  # noqa: E402, F401
