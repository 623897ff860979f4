"""The public archive of sent campaigns and the staff preview, without anything personal."""
