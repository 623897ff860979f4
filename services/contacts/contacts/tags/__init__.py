"""Tags: free labels staff put on people."""
