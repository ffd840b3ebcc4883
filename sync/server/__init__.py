"""The central sync server: FastAPI app, device enrollment and auth, on the registry schema."""
