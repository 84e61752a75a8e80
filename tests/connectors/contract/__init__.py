"""The conformance suite every connector passes against its real peer.

A connector's test module subclasses `ConnectorContract` (from `.suite`) and supplies fixtures:

- `connector`: a connector on an empty root, fresh for each test (required);
- `refused_connector`: the same peer with wrong credentials (optional; skipped when the remote
  has no authentication, like a local path);
- `unreachable_connector`: pointing at a closed port or missing host path (required).
"""
