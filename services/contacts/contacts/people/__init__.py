"""People of the network: records, search, details, timeline reads and GDPR export."""
