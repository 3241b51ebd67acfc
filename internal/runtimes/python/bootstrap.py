"""Entry point of coldstart's Python runtime interface client (see coldstart_runtime_client)."""

import coldstart_runtime_client

coldstart_runtime_client.main()
