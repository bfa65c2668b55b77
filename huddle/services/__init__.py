"""Services: each public function is one short transaction over the store.

They check the actor's role, write the audit event in the same transaction,
and return frozen dataclasses from ``huddle.domain.dto``.
"""
