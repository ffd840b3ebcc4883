"""Moving data between the laptops and the centre: wire format, merge, client and server."""
