"""The registry's rules in pure Python: no Qt, no SQL, nothing else of ours imported.

IDs, income, statuses and operations, the policy years and code tables, audits.
The server imports this package too.
"""
