"""OAI-PMH 2.0: the client (pyoai over our transport), the harvest loop, and the provider."""
