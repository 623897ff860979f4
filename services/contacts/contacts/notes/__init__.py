"""Staff notes on people and organisations."""
