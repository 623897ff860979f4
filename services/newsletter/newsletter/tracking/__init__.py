"""Open and click tracking: signed links, the pixel and the redirect, recorded events."""
